//! YAML text read without the library: where a record's values and keys are (for the
//! positions of diagnostics, in time linear in the text), and how deep its brackets nest
//! (checked before the library's scanner, whose cost grows with the square of the depth).

/// The most `[` and `{` open in one another. The YAML library's scanner takes a time that grows
/// with the square of that depth before its own limit (128) is checked: 100,000 nested
/// brackets in a 200 KB file took 33 s.
pub(super) const MAX_FLOW_DEPTH: usize = 64;

/// Where the flow collections of `text` (`[…]`, `{…}`) first nest deeper than
/// `MAX_FLOW_DEPTH`: (line, column), 1-based. One pass; quotes and comments are skipped, and a
/// bracket opens only where a value starts (in « titre [2016] » it is text), as in YAML.
pub(super) fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (n, line) in text.lines().enumerate() {
        // The last character that is not a space, outside quotes, on this line.
        let mut last: Option<char> = None;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((c, ch)) = chars.next() {
            if let Some(q) = quote {
                if ch == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                        last = Some(ch);
                    }
                } else if ch == '\\' && q == '"' {
                    chars.next();
                }
                continue;
            }
            let value_start = match last {
                None => true,
                Some(':' | '-') => depth == 0 || last == Some(':'),
                Some('[' | '{' | ',') => depth > 0,
                _ => false,
            };
            match ch {
                ' ' | '\t' => continue,
                '#' if last.is_none()
                    || line[..line.char_indices().nth(c).map_or(0, |(i, _)| i)]
                        .ends_with([' ', '\t']) =>
                {
                    break
                }
                '"' | '\'' if value_start => quote = Some(ch),
                '[' | '{' if value_start || depth > 0 => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((n + 1, c + 1));
                    }
                }
                ']' | '}' if depth > 0 => depth -= 1,
                _ => {}
            }
            last = Some(ch);
        }
    }
    None
}

/// Where `key` is written as a key (`key:` at the start of a line or an item, or after `{` or
/// `,`) for the second time from (`line`, `column`), 1-based: the duplicate of a mapping
/// that starts there.
pub(super) fn second_key(
    text: &str,
    key: &str,
    line: usize,
    column: usize,
) -> Option<(usize, usize)> {
    // An empty key (`"": x` twice) is found everywhere: there is no second place to name.
    if key.is_empty() {
        return None;
    }
    let mut seen = 0;
    for (n, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let from = if n + 1 == line {
            l.char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(i, _)| i)
        } else {
            0
        };
        let mut offset = from;
        while let Some(pos) = l[offset..].find(key) {
            let at = offset + pos;
            let before = l[..at].trim_end();
            let after = l[at + key.len()..].trim_start();
            let opens = before.is_empty()
                || before.ends_with(['{', ',', '-'])
                || before.trim_start().trim_start_matches("- ").is_empty();
            if opens && after.starts_with(':') {
                seen += 1;
                if seen == 2 {
                    return Some((n + 1, l[..at].chars().count() + 1));
                }
            }
            offset = at + key.len();
        }
    }
    None
}

/// Finds the values of a record's YAML text, many times over, in time linear in the text: the
/// blocks of its keys are found once, and each key's search goes on from where its last value
/// was found (values are looked up in the order they are written), wrapping round to the
/// block's start. Looking up each of 40,000 `aliases` rescanned the file each time: 50 s.
#[derive(Debug, Default)]
pub struct Positions {
    /// The byte offset where each line starts.
    lines: Option<Vec<usize>>,
    /// For each key: its block (first line, line after the last; 0-based), and the line of
    /// its last value found.
    blocks: std::collections::HashMap<String, Option<(usize, usize, usize)>>,
}

impl Positions {
    /// Where `value` appears as a word in the block of the top-level `key:` of `text` (the
    /// same text at every call): (line, column), 1-based.
    pub fn value(&mut self, text: &str, key: &str, value: &str) -> Option<(usize, usize)> {
        let lines = self.lines.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < text.len())
                .collect()
        });
        let line = |i: usize| {
            let end = lines.get(i + 1).map_or(text.len(), |&e| e - 1);
            text[lines[i]..end].trim_end_matches('\r')
        };
        let block = *self.blocks.entry(key.to_string()).or_insert_with(|| {
            let (start, _) = key_position(text, key)?;
            let first = start - 1;
            let mut end = first + 1;
            while end < lines.len() {
                let l = line(end);
                if !l.starts_with([' ', '\t', '-']) && !l.trim().is_empty() {
                    break;
                }
                end += 1;
            }
            Some((first, end, first))
        });
        let (first, end, cursor) = block?;
        let order = (cursor..end).chain(first..cursor);
        for i in order {
            let from = if i == first { key.len() + 1 } else { 0 };
            if let Some(col) = word_in(line(i), from, value) {
                if let Some(Some(b)) = self.blocks.get_mut(key) {
                    b.2 = i;
                }
                return Some((i + 1, col));
            }
        }
        None
    }
}

/// The column (1-based, in characters) where `value` stands as a word in `line` from byte `from`.
fn word_in(line: &str, from: usize, value: &str) -> Option<usize> {
    let hay = &line[from.min(line.len())..];
    let mut offset = 0;
    while let Some(pos) = hay[offset..].find(value) {
        let at = offset + pos;
        let before = hay[..at].chars().next_back();
        let after = hay[at + value.len()..].chars().next();
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '_'));
        if boundary(before) && boundary(after) {
            return Some(line[..from.min(line.len()) + at].chars().count() + 1);
        }
        offset = at + value.len().max(1);
        if offset > hay.len() {
            break;
        }
    }
    None
}
/// Where a top-level `key:` starts in a YAML block: (line, column), 1-based, relative to the block.
pub fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_duplicate_key_is_not_searched_for_ever() {
        assert_eq!(second_key("\"\": 1\n\"\": 2\n", "", 1, 1), None);
        assert_eq!(second_key("a: 1\nb: 2\na: 3\n", "a", 1, 1), Some((3, 1)));
    }
}
