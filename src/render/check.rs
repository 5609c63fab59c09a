//! The theme check: every variable a template uses is one the contract ([`super::contract`])
//! gives it, and every block a template fills is one its parent has. Run when the theme is
//! loaded, so a typo is reported at its line before any page is rendered (Tera would fail on
//! the first page using it, without a line).

use std::collections::{BTreeSet, HashMap, HashSet};

use tera::ast::{Expr, ExprVal, Node};

use super::contract;
use crate::diag::{Diagnostic, did_you_mean};
use crate::theme::{Theme, ThemeTemplate};

/// Problems of the theme's templates: unknown variables (errors) and blocks no parent shows
/// (warnings).
pub fn check_theme(theme: &Theme) -> Vec<Diagnostic> {
    let contract = Contract::new();
    let templates: Vec<ThemeTemplate<'_>> = theme.templates().collect();
    // A `set` anywhere is seen by what the template includes, and by its blocks: such names
    // are the theme's own, whatever their scope.
    let mut own = HashSet::new();
    for template in &templates {
        assigned(&template.parsed.ast, &mut own);
        for definition in template.parsed.macros.values() {
            assigned(&definition.body, &mut own);
        }
    }
    let mut problems = Vec::new();
    for template in &templates {
        // A partial may be included inside a loop: the loop's names are its too.
        let page = contract.pages.get(template.name);
        let known = page.unwrap_or(&contract.any);
        let mut checker = Checker {
            known,
            scopes: vec![
                own.iter()
                    .map(|name: &String| (name.clone(), None))
                    .collect(),
            ],
            found: Vec::new(),
        };
        if page.is_none() {
            let mut loops = HashSet::new();
            for other in &templates {
                loop_names(&other.parsed.ast, &mut loops);
            }
            checker.scopes[0].extend(loops.into_iter().map(|name| (name, None)));
        }
        checker.nodes(&template.parsed.ast);
        for definition in template.parsed.macros.values() {
            // Tera macros see their arguments only; other names are checked like the file's.
            checker.scopes.push(
                definition
                    .args
                    .keys()
                    .map(|name| (name.clone(), None))
                    .collect(),
            );
            for default in definition.args.values().flatten() {
                checker.expr(default);
            }
            checker.nodes(&definition.body);
            checker.scopes.pop();
        }
        let mut reported = HashSet::new();
        for unknown in checker.found {
            if reported.insert(unknown.written.clone()) {
                problems.push(unknown.diagnostic(template, known));
            }
        }
        problems.extend(unshown_blocks(theme, template));
    }
    problems
}

/// The variables each page template gets, as dotted paths (`article.faq.id`).
struct Contract {
    pages: HashMap<&'static str, Known>,
    /// Any of them: what `base.html` and partials may use.
    any: Known,
}

#[derive(Default)]
struct Known {
    paths: BTreeSet<String>,
}

impl Known {
    fn top_level(&self) -> Vec<&str> {
        self.paths
            .iter()
            .filter(|p| !p.contains('.'))
            .map(String::as_str)
            .collect()
    }

    /// `article.extra` and `t` hold keys of the writer's and the theme's own.
    fn is_open(path: &str) -> bool {
        contract::OPEN.contains(&path)
    }
}

impl Contract {
    fn new() -> Contract {
        let mut pages = HashMap::new();
        let mut any = Known::default();
        for (template, sample) in contract::samples() {
            let paths: BTreeSet<String> = contract::paths(&sample).into_iter().collect();
            any.paths.extend(paths.iter().cloned());
            pages.insert(template, Known { paths });
        }
        Contract { pages, any }
    }
}

/// An unknown variable: as written (`h.titel`) and the contract path it stands for
/// (`article.toc.titel`).
struct Unknown {
    written: String,
    /// What a loop variable stands for, to suggest its fields; `None` at the top level.
    alias: Option<(String, String)>,
}

impl Unknown {
    fn diagnostic(&self, template: &ThemeTemplate<'_>, known: &Known) -> Diagnostic {
        let message = format!("unknown variable `{}`", self.written);
        let diagnostic = Diagnostic::error(template.origin, message);
        let diagnostic = match locate(template.text, &self.written) {
            Some(offset) => diagnostic.at(template.text, offset),
            None => diagnostic,
        };
        diagnostic.with_help(self.help(known))
    }

    fn help(&self, known: &Known) -> String {
        if let Some((local, path)) = &self.alias {
            // `h.titel` in a loop over `article.toc`: the fields of `article.toc`.
            let (parent, _) = path.rsplit_once('.').unwrap_or((path, ""));
            let fields: Vec<&str> = (known.paths.iter())
                .filter_map(|p| p.strip_prefix(parent)?.strip_prefix('.'))
                .filter(|rest| !rest.contains('.'))
                .collect();
            let (_, wrong) = self.written.rsplit_once('.').unwrap_or(("", &self.written));
            let (written_parent, _) = self.written.rsplit_once('.').unwrap_or((local, ""));
            return match did_you_mean(wrong, &fields) {
                Some(near) => format!("did you mean `{written_parent}.{near}`?"),
                None => format!("`{written_parent}` has {}", list(&fields)),
            };
        }
        let paths: Vec<&str> = known.paths.iter().map(String::as_str).collect();
        if let Some(near) = did_you_mean(&self.written, &paths) {
            return format!("did you mean `{near}`?");
        }
        let top = known.top_level();
        let first = self.written.split('.').next().unwrap_or_default();
        if let Some(near) = did_you_mean(first, &top) {
            return format!("did you mean `{near}`?");
        }
        if let Some((parent, _)) = self.written.rsplit_once('.')
            && known.paths.contains(parent)
        {
            let fields: Vec<&str> = (known.paths.iter())
                .filter_map(|p| p.strip_prefix(parent)?.strip_prefix('.'))
                .filter(|rest| !rest.contains('.'))
                .collect();
            return format!("`{parent}` has {}", list(&fields));
        }
        format!(
            "this template gets {} (README.md, \"Theming\", lists them)",
            list(&top)
        )
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "no fields".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Walks a template's nodes with the names in scope: each local maps to the contract path it
/// stands for (a loop over `article.toc` makes `h` stand for `article.toc`), if any.
struct Checker<'k> {
    known: &'k Known,
    scopes: Vec<HashMap<String, Option<String>>>,
    found: Vec<Unknown>,
}

impl Checker<'_> {
    fn local(&self, name: &str) -> Option<&Option<String>> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                self.call_args(&section.filter);
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, forloop, _) => {
                self.expr(&forloop.container);
                let container = match (&forloop.key, &forloop.container.val) {
                    (None, ExprVal::Ident(ident)) if forloop.container.filters.is_empty() => {
                        self.resolve(ident)
                    }
                    _ => None,
                };
                let mut scope = HashMap::new();
                scope.insert("loop".to_string(), None);
                if let Some(key) = &forloop.key {
                    scope.insert(key.clone(), None);
                }
                scope.insert(forloop.value.clone(), container);
                self.scopes.push(scope);
                self.nodes(&forloop.body);
                self.scopes.pop();
                if let Some(empty) = &forloop.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(branches, _) => {
                for (_, condition, body) in &branches.conditions {
                    self.expr(condition);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            // Macro bodies are walked with their arguments in scope (`check_theme`).
            _ => {}
        }
    }

    fn call_args(&mut self, call: &tera::ast::FunctionCall) {
        for arg in call.args.values() {
            self.expr(arg);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        for filter in &expr.filters {
            self.call_args(filter);
        }
        // `x | default(value=…)` is meant for what may be missing.
        if expr.has_default_filter() {
            return;
        }
        match &expr.val {
            ExprVal::Ident(ident) => self.ident(ident),
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs);
                self.expr(&within.rhs);
            }
            ExprVal::Test(test) => {
                // `x is defined` asks whether it is there.
                if !matches!(test.name.as_str(), "defined" | "undefined") {
                    self.ident(&test.ident);
                }
                for arg in &test.args {
                    self.expr(arg);
                }
            }
            ExprVal::MacroCall(call) => {
                for arg in call.args.values() {
                    self.expr(arg);
                }
            }
            ExprVal::FunctionCall(call) => self.call_args(call),
            ExprVal::Array(items) => {
                for item in items {
                    self.expr(item);
                }
            }
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    if let ExprVal::Ident(ident) = value {
                        self.ident(ident);
                    }
                }
            }
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        }
    }

    /// The contract path `ident` stands for, when it is one the contract knows; `None` for
    /// locals that stand for nothing known and for open variables' keys.
    fn resolve(&self, ident: &str) -> Option<String> {
        let segments = segments(ident);
        let (first, rest) = segments.split_first()?;
        let mut path = match self.local(first) {
            Some(alias) => alias.clone()?,
            None => first.to_string(),
        };
        for segment in rest {
            if Known::is_open(&path) {
                return None;
            }
            if segment.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            path = format!("{path}.{segment}");
        }
        self.known.paths.contains(&path).then_some(path)
    }

    fn ident(&mut self, ident: &str) {
        // A subscript's inside (`t[key]`) is a name too.
        for inner in subscripts(ident) {
            self.ident(inner);
        }
        let segments = segments(ident);
        let Some((first, rest)) = segments.split_first() else {
            return;
        };
        if first.starts_with("__tera") {
            return;
        }
        let (mut path, alias) = match self.local(first) {
            Some(Some(alias)) => (alias.clone(), Some(first.to_string())),
            Some(None) => return,
            None => (first.to_string(), None),
        };
        if alias.is_none() && !self.known.paths.contains(&path) {
            self.found.push(Unknown {
                written: segments.join("."),
                alias: None,
            });
            return;
        }
        let mut written = first.to_string();
        for segment in rest {
            if Known::is_open(&path) {
                return;
            }
            written = format!("{written}.{segment}");
            if segment.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            path = format!("{path}.{segment}");
            if !self.known.paths.contains(&path) {
                self.found.push(Unknown {
                    written,
                    alias: alias.map(|local| (local, path)),
                });
                return;
            }
        }
    }
}

/// `a.b[c].d` -> `a`, `b`, `d`: the dotted names, subscripts left out (they pick an item).
fn segments(ident: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in ident.char_indices() {
        match c {
            '[' => {
                if depth == 0 && start < i {
                    out.push(&ident[start..i]);
                }
                depth += 1;
            }
            ']' => {
                depth -= 1;
                start = i + 1;
            }
            '.' if depth == 0 => {
                if start < i {
                    out.push(&ident[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth == 0 && start < ident.len() {
        out.push(&ident[start..]);
    }
    out
}

/// The names inside an identifier's subscripts: `t[key]` -> `key` (not `"key"` or `0`).
fn subscripts(ident: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = ident;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        let inner = rest[open + 1..open + close].trim();
        if inner.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(inner);
        }
        rest = &rest[open + close + 1..];
    }
    out
}

/// Every name a `set` or `set_global` assigns.
fn assigned(nodes: &[Node], out: &mut HashSet<String>) {
    walk(nodes, &mut |node| {
        if let Node::Set(_, set) = node {
            out.insert(set.key.clone());
        }
    });
}

/// Every loop variable.
fn loop_names(nodes: &[Node], out: &mut HashSet<String>) {
    walk(nodes, &mut |node| {
        if let Node::Forloop(_, forloop, _) = node {
            out.insert(forloop.value.clone());
            out.extend(forloop.key.clone());
            out.insert("loop".to_string());
        }
    });
}

fn walk<'n>(nodes: &'n [Node], visit: &mut dyn FnMut(&'n Node)) {
    for node in nodes {
        visit(node);
        match node {
            Node::Block(_, block, _) => walk(&block.body, visit),
            Node::FilterSection(_, section, _) => walk(&section.body, visit),
            Node::Forloop(_, forloop, _) => {
                walk(&forloop.body, visit);
                if let Some(empty) = &forloop.empty_body {
                    walk(empty, visit);
                }
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    walk(body, visit);
                }
                if let Some((_, body)) = &branches.otherwise {
                    walk(body, visit);
                }
            }
            Node::MacroDefinition(_, definition, _) => walk(&definition.body, visit),
            _ => {}
        }
    }
}

/// The blocks in `nodes`, nested ones included (Tera's `Template::blocks` leaves out those
/// inside `if` and `for`).
pub(super) fn block_names(nodes: &[Node]) -> Vec<&str> {
    let mut names = Vec::new();
    walk(nodes, &mut |node| {
        if let Node::Block(_, block, _) = node {
            names.push(block.name.as_str());
        }
    });
    names
}

/// Where `ident` is first used inside a tag of `text` (`{{ }}` or `{% %}`): a byte offset.
fn locate(text: &str, ident: &str) -> Option<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = text[from..].find(ident) {
        let at = from + found;
        from = at + ident.len();
        let before = text[..at].chars().next_back();
        let after = text[from..].chars().next();
        if before.is_some_and(|c| is_name(c) || c == '.') || after.is_some_and(is_name) {
            continue;
        }
        let opened = text[..at].rfind("{{").max(text[..at].rfind("{%"));
        let closed = text[..at].rfind("}}").max(text[..at].rfind("%}"));
        if opened.is_some() && opened > closed {
            return Some(at);
        }
    }
    None
}

/// Blocks a template fills that none of its parents has: nothing shows them.
fn unshown_blocks(theme: &Theme, template: &ThemeTemplate<'_>) -> Vec<Diagnostic> {
    let parsed = template.parsed;
    let Some(parent) = &parsed.parent else {
        return Vec::new();
    };
    let mut offered: Vec<&str> = Vec::new();
    for name in &parsed.parents {
        if let Some(ancestor) = theme.template(name) {
            offered.extend(block_names(&ancestor.ast));
        }
    }
    // A block nested in another block this template fills is its own.
    let mut own_nested = HashSet::new();
    for block in parsed.blocks.values() {
        walk(&block.body, &mut |node| {
            if let Node::Block(_, inner, _) = node {
                own_nested.insert(inner.name.as_str());
            }
        });
    }
    let mut names: Vec<&String> = parsed.blocks.keys().collect();
    names.sort();
    let mut problems = Vec::new();
    for name in names {
        if offered.contains(&name.as_str()) || own_nested.contains(name.as_str()) {
            continue;
        }
        let message = format!("block `{name}` is not in `{parent}`: nothing shows it");
        let mut diagnostic = Diagnostic::warning(template.origin, message);
        if let Some(offset) = locate(template.text, &format!("block {name}")) {
            diagnostic = diagnostic.at(template.text, offset);
        }
        offered.sort_unstable();
        offered.dedup();
        let help = match did_you_mean(name, &offered) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("`{parent}` has blocks {}", list(&offered)),
        };
        problems.push(diagnostic.with_help(help));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_names() {
        assert_eq!(segments("article.toc"), ["article", "toc"]);
        assert_eq!(segments("t[key].x"), ["t", "x"]);
        assert_eq!(segments("p.1"), ["p", "1"]);
        assert_eq!(subscripts("t[key]"), ["key"]);
        assert!(subscripts("t[\"key\"]").is_empty());
    }

    #[test]
    fn a_name_is_found_inside_tags_only() {
        let text = "pag title\n<p>{{ x }} {{ pag.title }}</p>";
        assert_eq!(locate(text, "pag.title"), text.find("pag.title"));
        assert_eq!(locate(text, "pag"), text.find("pag.title"));
    }
}
