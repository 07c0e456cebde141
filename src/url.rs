//! Site URLs and the output paths they are written to.

/// The file path, inside the output folder, of a site URL: `/a/` → `a/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// An alias as an output URL (`/old/path/`), or `None` if it is not a safe site path.
pub fn normalise_alias(alias: &str) -> Option<String> {
    let a = alias.trim();
    if !a.starts_with('/') || a.starts_with("//") || a.contains(['\\', '\0', '?', '#']) {
        return None;
    }
    let parts: Vec<&str> = a.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == "." || *p == "..") {
        return None;
    }
    let last = parts[parts.len() - 1];
    if last.ends_with(".html") {
        Some(format!("/{}", parts.join("/")))
    } else {
        Some(format!("/{}/", parts.join("/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(normalise_alias("/old/page").as_deref(), Some("/old/page/"));
        assert_eq!(normalise_alias("/a/b.html").as_deref(), Some("/a/b.html"));
        assert_eq!(normalise_alias("/a/../b"), None);
        assert_eq!(normalise_alias("relative"), None);
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/acteurs/"), "acteurs/index.html");
        assert_eq!(output_path("/rss.xml"), "rss.xml");
    }
}
