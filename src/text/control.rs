//! Control characters: none reaches a published file. A source holding one — written raw, or
//! as an escape of a double-quoted YAML or TOML string (`"\0"`, `"\e"`, `"\u0000"`) — is an
//! error at its line and column: the character is invisible in an editor, breaks HTML, XML
//! (RSS, sitemap) and CSV, and can drive a terminal. Tabs and line ends are text.

/// Where the first control character of `text` is, and how it is written: (line, column,
/// shown), 1-based; raw ones anywhere, escaped ones inside double quotes.
pub fn find(text: &str) -> Option<(usize, usize, String)> {
    // Most sources hold neither a control character nor a backslash: one pass over the bytes
    // says so, without following lines, quotes and comments character by character.
    if !may_hold_one(text.as_bytes()) {
        return None;
    }
    find_in_lines(text)
}

/// Whether `bytes` hold a control character other than tab and line ends (C0, DEL, or C1:
/// 0xC2 then 0x80–0x9F in UTF-8) or a backslash, which may start an escaped one.
fn may_hold_one(bytes: &[u8]) -> bool {
    // A block of bytes at a time, folded without a branch (a few vector instructions); only a
    // block that holds a control byte, a backslash or 0xC2 (common in French: « », the
    // no-break space) is looked at byte by byte.
    const BLOCK: usize = 64;
    bytes.chunks(BLOCK).enumerate().any(|(n, block)| {
        let rough = block.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7f)
                | (b == b'\\')
                | (b == 0xc2)
        });
        rough
            && block.iter().enumerate().any(|(i, &b)| {
                matches!(b, 0..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f | b'\\')
                    || (b == 0xc2
                        && bytes
                            .get(n * BLOCK + i + 1)
                            .is_some_and(|next| (0x80..=0x9f).contains(next)))
            })
    })
}

fn find_in_lines(text: &str) -> Option<(usize, usize, String)> {
    let mut quote: Option<char> = None;
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut last: Option<char> = None;
        let mut chars = line.char_indices().enumerate().peekable();
        while let Some((c, (at, ch))) = chars.next() {
            if is_control(ch) {
                return Some((n + 1, c + 1, format!("U+{:04X}", ch as u32)));
            }
            match quote {
                Some('"') if ch == '\\' => {
                    let rest = &line[at + 1..];
                    if let Some(shown) = escaped_control(rest) {
                        return Some((n + 1, c + 1, format!("\\{shown}")));
                    }
                    // The escaped character is skipped (`\"` does not close the string).
                    chars.next();
                    continue;
                }
                Some(q) if ch == q => {
                    if q == '\'' && chars.peek().is_some_and(|(_, (_, next))| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                    last = Some(ch);
                    continue;
                }
                Some(_) => continue,
                None => {}
            }
            match ch {
                ' ' | '\t' => continue,
                '#' if last.is_none() || line[..at].ends_with([' ', '\t']) => break,
                // A quote opens a string where a value starts (YAML: after `key:`, `- `, a
                // bracket or a comma; TOML: after `=`), not inside plain text (« Le "bon" »).
                '"' | '\'' if matches!(last, None | Some(':' | '-' | '[' | '{' | ',' | '=')) => {
                    quote = Some(ch)
                }
                _ => {}
            }
            last = Some(ch);
        }
    }
    None
}

/// A control character other than tab and line ends (C0, DEL, C1).
fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// If the escape after a backslash (`rest`) stands for a control character, how it is written.
fn escaped_control(rest: &str) -> Option<String> {
    let first = rest.chars().next()?;
    let hex = |len: usize| -> Option<String> {
        let digits = rest.get(1..=len)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        char::from_u32(code)
            .filter(|c| is_control(*c))
            .map(|_| format!("{first}{digits}"))
    };
    match first {
        '0' | 'a' | 'b' | 'e' | 'v' | 'f' => Some(first.to_string()),
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        _ => None,
    }
}

/// The error for a control character found by [`find`].
pub fn diagnostic(
    path: &std::path::Path,
    (line, column, shown): (usize, usize, String),
) -> crate::diagnostic::Diagnostic {
    crate::diagnostic::Diagnostic::error(
        path,
        line,
        column,
        format!("caractère de contrôle interdit ({shown})"),
    )
    .with_help("retirez ce caractère invisible, ou cet échappement : il casserait les pages, les flux et les exports")
}

#[cfg(test)]
mod tests {
    use super::{find, find_in_lines};
    use proptest::prelude::*;

    proptest! {
        /// The first pass over the bytes never hides what reading line by line finds.
        #[test]
        fn the_byte_pass_agrees_with_reading_line_by_line(
            text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\\\\"'#:=\\- \\n\\r\\t]|\\\\[0abtnvfre\\\\\"xuU]|\\\\u00[01][0-9a-f]|\\\\x[01][0-9a-f]){0,40}"
        ) {
            prop_assert_eq!(find(&text), find_in_lines(&text));
        }
    }

    #[test]
    fn a_control_character_is_found_wherever_it_falls_in_the_blocks_of_bytes() {
        for before in 0..140 {
            let text = "é".repeat(before / 2) + &"a".repeat(before % 2);
            let column = text.chars().count() + 1;
            for (c, found) in [
                ('\u{85}', true),
                ('«', false),
                ('\u{1}', true),
                ('\\', false),
            ] {
                let line = format!("{text}{c}b\n");
                let expected = found.then(|| (1, column, format!("U+{:04X}", c as u32)));
                assert_eq!(
                    find(&line),
                    expected,
                    "{before} bytes before U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn every_control_character_is_found_alone_in_plain_text() {
        for c in (0u32..=0x9f)
            .filter_map(char::from_u32)
            .filter(|c| c.is_control())
        {
            let text = format!("title: Café « {c} » d’été\n");
            let found = find(&text);
            if matches!(c, '\t' | '\n' | '\r') {
                assert_eq!(found, None, "U+{:04X}", c as u32);
            } else {
                assert_eq!(found, Some((1, 15, format!("U+{:04X}", c as u32))));
            }
        }
    }

    #[test]
    fn raw_and_escaped_control_characters_are_found_and_text_is_not() {
        assert_eq!(find("title: \"a\\0b\"\n"), Some((1, 10, "\\0".into())));
        assert_eq!(
            find("a: x\nsummary: \"r\\x00s\"\n"),
            Some((2, 12, "\\x00".into()))
        );
        assert_eq!(
            find("description = \"a\\u0000b\"\n"),
            Some((1, 17, "\\u0000".into()))
        );
        assert_eq!(find("t: \"\\e[2J\"\n"), Some((1, 5, "\\e".into())));
        assert_eq!(find("corps\u{1b}[2J\n"), Some((1, 6, "U+001B".into())));
        assert_eq!(find("a: \"x\u{0}\"\n"), Some((1, 6, "U+0000".into())));
        // Not control characters: escapes of text, backslashes outside double quotes, tabs.
        for fine in [
            "t: \"\\t \\n \\\" \\\\0 \\u00e9 \\x41\"\n",
            "t: 'C:\\0\\e'\n",
            "t: Le \"bon\" \\0 plan\n",
            "chemin = 'C:\\0'\n\tx\r\n",
            "# \"\\0\"\nt: x # \"\\e\"\n",
        ] {
            assert_eq!(find(fine), None, "{fine}");
        }
    }
}
