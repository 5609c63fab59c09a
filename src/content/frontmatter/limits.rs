//! Limits checked before front matter reaches its parser: the size of the block and, for YAML,
//! how deep its lists and tables nest. libyaml's scanner takes time quadratic in the nesting
//! depth (`extra: ` and 100,000 `[` take half a minute to fail), so the depth is measured here
//! first, in one pass over the text. TOML needs only the size limit: its parser stops at a
//! fixed depth, in linear time.

/// Front matter longer than this is refused unread; a title, a description and a few lists
/// take well under 1 KB.
pub const MAX_BYTES: usize = 64 * 1024;

/// Lists and tables inside each other deeper than this are refused before parsing.
pub const MAX_DEPTH: usize = 32;

/// The byte offset of `yaml` where its collections first nest deeper than [`MAX_DEPTH`].
///
/// Block collections count by indentation (a `- ` entry or a `key:` further right than the
/// collection holding it opens one), flow collections by `[` and `{`. Quoted strings, comments,
/// block scalars (`|`, `>`) and plain text running on over several lines are passed over as
/// YAML (libyaml) reads them. Where the reading is in doubt a bracket is counted rather than
/// passed over: one too many can only refuse something nested about 32 deep already, while one
/// passed over could let the slow case through.
pub fn yaml_too_deep(yaml: &str) -> Option<usize> {
    let mut scan = Scan::default();
    let mut line_start = 0;
    for line in yaml.split_inclusive('\n') {
        if let Err(at) = scan.line(line.trim_end_matches(['\n', '\r']).as_bytes()) {
            return Some(line_start + at);
        }
        line_start += line.len();
    }
    None
}

/// `Err` holds the byte offset in the line where the depth went over the limit.
type Step = Result<(), usize>;

#[derive(Default)]
struct Scan {
    /// Columns of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// Open `[` and `{`.
    flow: usize,
    /// Column of the outermost open `[` or `{`, when it began a node in block context.
    flow_col: Option<usize>,
    /// Inside `[ ]` and `{ }`: the next character that is not blank begins a node (after `[`,
    /// `{`, `,`, `? ` or `: `), so a quote there opens a quoted string.
    flow_node_start: bool,
    /// A quoted string (`"` or `'`) that goes on to the next line.
    quote: Option<u8>,
    /// What the previous lines began that the next ones may go on with.
    open: Open,
}

#[derive(Default, Clone, Copy)]
enum Open {
    #[default]
    Nothing,
    /// A plain (unquoted) value in block context: lines indented deeper than `parent` go on
    /// with its text.
    Plain { parent: isize },
    /// A block scalar (`|` or `>`) before its first line of text; `blank` is the widest blank
    /// line so far (libyaml takes the text's indentation from those too).
    ScalarHead {
        parent: isize,
        explicit: Option<usize>,
        blank: usize,
    },
    /// A block scalar's text: blank lines and lines indented at least `indent`.
    ScalarBody { indent: usize },
}

impl Scan {
    fn line(&mut self, text: &[u8]) -> Step {
        if let Some(quote) = self.quote {
            let Some(after) = close_quote(text, 0, quote) else {
                return Ok(());
            };
            self.quote = None;
            if self.flow > 0 {
                return self.flow_scan(text, after);
            }
            return self.after_block_node(text, after, None);
        }
        if self.flow > 0 {
            return self.flow_scan(text, 0);
        }
        let indent = text.iter().take_while(|&&b| b == b' ').count();
        let blank = text[indent..].iter().all(|&b| b == b' ' || b == b'\t');
        match self.open {
            Open::ScalarBody { indent: need } => {
                if blank || indent >= need {
                    return Ok(());
                }
                self.open = Open::Nothing;
            }
            Open::ScalarHead {
                parent,
                explicit,
                blank: widest,
            } => {
                if blank {
                    self.open = Open::ScalarHead {
                        parent,
                        explicit,
                        blank: widest.max(indent),
                    };
                    return Ok(());
                }
                // libyaml's rule: an explicit indentation counts from the parent's column;
                // otherwise the widest of the leading blank lines and the first text line, and
                // at least one column right of the parent.
                let need = match explicit {
                    Some(n) => usize::try_from(parent).map_or(n, |p| p + n),
                    None => widest
                        .max(indent)
                        .max(usize::try_from(parent + 1).unwrap_or(0))
                        .max(1),
                };
                if indent >= need {
                    self.open = Open::ScalarBody { indent: need };
                    return Ok(());
                }
                self.open = Open::Nothing;
            }
            Open::Plain { parent } => {
                if blank {
                    return Ok(());
                }
                if indent as isize > parent && text[indent] != b'#' {
                    // The text goes on; a comment ends it.
                    if comment_at(text, indent).is_some() {
                        self.open = Open::Nothing;
                    }
                    return Ok(());
                }
                self.open = Open::Nothing;
            }
            Open::Nothing => {}
        }
        if blank || text[indent] == b'#' {
            return Ok(());
        }
        while self.blocks.last().is_some_and(|&col| col > indent) {
            self.blocks.pop();
        }
        self.block_node(text, indent)
    }

    /// A node in block context beginning at `at` (or after blanks from there).
    fn block_node(&mut self, text: &[u8], mut at: usize) -> Step {
        loop {
            at = skip_blank(text, at);
            let Some(&c) = text.get(at) else {
                return Ok(());
            };
            let blank_after = text.get(at + 1).is_none_or(|&b| b == b' ' || b == b'\t');
            match c {
                // A sequence entry or a complex key: a collection at this column.
                b'-' | b'?' if blank_after => {
                    self.open_block(at)?;
                    at += 1;
                }
                // An anchor or a tag: a property of the node that follows.
                b'&' | b'!' => {
                    while text.get(at).is_some_and(|&b| b != b' ' && b != b'\t') {
                        at += 1;
                    }
                }
                b'[' | b'{' => {
                    self.flow_col = Some(at);
                    self.flow = 1;
                    self.flow_node_start = true;
                    self.check(at)?;
                    return self.flow_scan(text, at + 1);
                }
                b'"' | b'\'' => {
                    let Some(after) = close_quote(text, at + 1, c) else {
                        self.quote = Some(c);
                        return Ok(());
                    };
                    return self.after_block_node(text, after, Some(at));
                }
                b'|' | b'>' => {
                    let explicit = text[at + 1..]
                        .iter()
                        .take_while(|&&b| b != b' ' && b != b'\t')
                        .find(|b| b.is_ascii_digit())
                        .map(|d| usize::from(d - b'0'));
                    self.open = Open::ScalarHead {
                        parent: self.parent(),
                        explicit,
                        blank: 0,
                    };
                    return Ok(());
                }
                b'#' => return Ok(()),
                // Plain text: a key if `: ` follows on this line, before any comment.
                _ => {
                    let comment = comment_at(text, at);
                    match key_colon(text, at, comment.unwrap_or(text.len())) {
                        Some(colon) => {
                            self.open_block(at)?;
                            at = colon + 1;
                        }
                        None => {
                            if comment.is_none() {
                                self.open = Open::Plain {
                                    parent: self.parent(),
                                };
                            }
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    /// After a quoted string or a flow collection in block context that began at `col` (on
    /// this line): a `:` makes it a key, and a value may follow.
    fn after_block_node(&mut self, text: &[u8], at: usize, col: Option<usize>) -> Step {
        let at = skip_blank(text, at);
        let colon = text.get(at) == Some(&b':')
            && text.get(at + 1).is_none_or(|&b| b == b' ' || b == b'\t');
        if !colon {
            return Ok(());
        }
        if let Some(col) = col {
            self.open_block(col)?;
        }
        self.block_node(text, at + 1)
    }

    /// Inside `[ ]` or `{ }` from `at` to the end of the line. Comments are not looked for:
    /// a `#` there is read as text, so brackets after it still count.
    fn flow_scan(&mut self, text: &[u8], mut at: usize) -> Step {
        while let Some(&c) = text.get(at) {
            let blank_after = text.get(at + 1).is_none_or(|&b| b == b' ' || b == b'\t');
            match c {
                b' ' | b'\t' => {}
                b'[' | b'{' => {
                    self.flow += 1;
                    self.flow_node_start = true;
                    self.check(at)?;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.flow_node_start = false;
                    if self.flow == 0 {
                        let col = self.flow_col.take();
                        return self.after_block_node(text, at + 1, col);
                    }
                }
                b',' => self.flow_node_start = true,
                b':' | b'?' if blank_after => self.flow_node_start = true,
                b'"' | b'\'' if self.flow_node_start => {
                    let Some(after) = close_quote(text, at + 1, c) else {
                        self.quote = Some(c);
                        return Ok(());
                    };
                    self.flow_node_start = false;
                    at = after;
                    continue;
                }
                _ => self.flow_node_start = false,
            }
            at += 1;
        }
        Ok(())
    }

    /// A block collection at `col`, unless the innermost open one is already there.
    fn open_block(&mut self, col: usize) -> Step {
        if self.blocks.last().is_none_or(|&last| last < col) {
            self.blocks.push(col);
            self.check(col)?;
        }
        Ok(())
    }

    /// The column of the innermost block collection (libyaml's current indentation), -1 at
    /// the top.
    fn parent(&self) -> isize {
        self.blocks.last().map_or(-1, |&col| col as isize)
    }

    fn check(&self, at: usize) -> Step {
        if self.blocks.len() + self.flow > MAX_DEPTH {
            Err(at)
        } else {
            Ok(())
        }
    }
}

fn skip_blank(text: &[u8], mut at: usize) -> usize {
    while text.get(at).is_some_and(|&b| b == b' ' || b == b'\t') {
        at += 1;
    }
    at
}

/// Where the string opened before `from` with `quote` closes: the offset after its closing
/// quote, or `None` if it goes on to the next line. `\"` and `''` do not close it.
fn close_quote(text: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut at = from;
    while let Some(&b) = text.get(at) {
        if quote == b'"' && b == b'\\' {
            at += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && text.get(at + 1) == Some(&b'\'') {
                at += 2;
                continue;
            }
            return Some(at + 1);
        }
        at += 1;
    }
    None
}

/// The first ` #` (a comment) in plain text from `from`.
fn comment_at(text: &[u8], from: usize) -> Option<usize> {
    (from..text.len())
        .find(|&i| text[i] == b'#' && (i == from || matches!(text[i - 1], b' ' | b'\t')))
}

/// The `:` that ends a plain key (followed by a blank or the end of the line) before `end`.
fn key_colon(text: &[u8], from: usize, end: usize) -> Option<usize> {
    (from..end)
        .find(|&i| text[i] == b':' && text.get(i + 1).is_none_or(|&b| b == b' ' || b == b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_keys(levels: usize) -> String {
        (0..levels)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect()
    }

    #[test]
    fn deep_flow_nesting_is_found_at_the_bracket_past_the_limit() {
        let yaml = format!("title: Deep\nextra: {}\n", "[".repeat(100_000));
        let at = yaml_too_deep(&yaml).expect("too deep");
        // `extra:` is one level; the 32nd bracket is the 33rd.
        assert_eq!(at, "title: Deep\nextra: ".len() + MAX_DEPTH - 1);
    }

    #[test]
    fn ordinary_front_matter_passes() {
        for yaml in [
            "title: Refunds\ntags: [money, \"returns\"]\nweight: 2\n",
            "title: \"Cloud [beta]\"\nid: 9347128757660\ndate: 2024-09-12\n",
            "aliases:\n  - /old/\n  - /older/\nextra:\n  author: {name: Ann, links: [a, b]}\n",
            "title: it's [here\n",
        ] {
            assert_eq!(yaml_too_deep(yaml), None, "{yaml}");
        }
    }

    #[test]
    fn brackets_in_quotes_comments_and_text_are_not_nesting() {
        let many = "[".repeat(200);
        for yaml in [
            format!("title: \"{many}\"\n"),
            format!("title: '{many}'\n"),
            format!("title: 'it''s {many}'\n"),
            format!("title: \"say \\\"{many}\"\n"),
            format!("tags: [\"{many}\", '{many}']\n"),
            format!("title: x # {many}\n"),
            format!("title: The {many} key\n"),
            format!("description: |\n  {many}\n  {many}\nweight: 1\n"),
            format!("description: >-\n  text\n\n  {many}\n"),
            format!("description: first line\n  {many}\n  {many}\n"),
            format!("title: \"first line\n  {many}\n  last\"\n"),
        ] {
            assert_eq!(yaml_too_deep(&yaml), None, "{yaml}");
        }
    }

    #[test]
    fn block_nesting_counts_by_indentation() {
        assert_eq!(yaml_too_deep(&nested_keys(MAX_DEPTH)), None);
        let deep = nested_keys(MAX_DEPTH + 1);
        assert_eq!(yaml_too_deep(&deep), Some(deep.rfind('k').unwrap()));
        assert!(yaml_too_deep(&format!("{} x\n", "- ".repeat(MAX_DEPTH + 1))).is_some());
        assert_eq!(
            yaml_too_deep(&format!("{} x\n", "- ".repeat(MAX_DEPTH))),
            None
        );
        assert!(
            yaml_too_deep(&format!(
                "{}{}[[[\n",
                nested_keys(MAX_DEPTH - 2),
                "  ".repeat(MAX_DEPTH - 2)
            ))
            .is_some(),
            "block and flow nesting add up"
        );
    }

    #[test]
    fn what_only_looks_like_text_to_a_careless_reading_still_counts() {
        let deep = "[".repeat(40);
        for yaml in [
            // A quote inside plain text opens nothing, so the next key's brackets count.
            format!("description: text\n  \"\nextra: {deep}\n"),
            format!("description: text\n  - \"x\nextra: {deep}\n"),
            // After a JSON-like key the value may be quoted; `#` inside flow is not a comment.
            format!("extra: {{\"a\":'x #', b: {deep}}}\n"),
            format!("extra: [a\n  \"b, {deep}]\n"),
            // A wider blank line sets the block scalar's indentation; less indented text ends it.
            format!("d: |\n      \n    {deep}\n"),
            // A block scalar ends at a line indented no deeper than its key.
            format!("d: |\n  text\nextra: {deep}\n"),
            format!("- key: |\n  {deep}\n"),
            // A comment line ends plain text that runs on.
            format!("d: text\n  # note\n  {deep}\n"),
        ] {
            assert!(yaml_too_deep(&yaml).is_some(), "{yaml}");
        }
    }
}
