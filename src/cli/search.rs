//! `helpbook search QUERY`: the built index, from the terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use helpbook::search::{Engine, Explanation, Request, Response};

use super::Global;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to search for, as a shopper would type it
    query: String,
    /// Language to search (default: the help center's default language)
    #[arg(long)]
    lang: Option<String>,
    /// Only this top-level section, by URL (e.g. /returns/)
    #[arg(long)]
    section: Option<String>,
    /// How many articles to show (1-50)
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=50))]
    limit: u16,
    /// Print the API's JSON instead of text
    #[arg(long)]
    json: bool,
    /// Explain each hit: which words matched and how, what each part scored, why this link
    #[arg(long)]
    explain: bool,
    /// The build folder that holds index/ (default: build/ in the help center)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let out = args.out.unwrap_or_else(|| global.root.join("build"));
    let index = out.join("index");
    if !index.is_dir() {
        bail!(
            "there is no search index in `{}`; run `helpbook build` first",
            index.display()
        );
    }
    let engine = Engine::open(&index)?;
    if let Some(lang) = &args.lang
        && !engine.languages().contains(lang)
    {
        bail!(
            "unknown language `{lang}`; this help center has {}",
            engine.languages().join(", ")
        );
    }
    let request = Request {
        query: args.query,
        lang: args.lang,
        section: args.section,
        limit: usize::from(args.limit),
        offset: 0,
        explain: args.explain,
    };
    let asked_in = engine.language_of(&request);
    let response = engine.search(&request)?;
    let text = if args.json {
        serde_json::to_string_pretty(&response)? + "\n"
    } else {
        as_text(&response, asked_in, std::io::stdout().is_terminal())
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // `helpbook search x | head` closes the pipe early: that is success (as in ripgrep).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

/// The answer as the terminal shows it; `asked_in` is the language searched in.
fn as_text(response: &Response, asked_in: &str, bold: bool) -> String {
    let mut out = String::new();
    match &response.searched_as {
        Some(reading) if response.lang != asked_in && !response.hits.is_empty() => {
            out.push_str(&format!(
                "No article in `{asked_in}` answers this; answers in `{}`, for `{reading}`\n",
                response.lang
            ));
        }
        Some(reading) => out.push_str(&format!("Showing results for `{reading}`\n")),
        None => {}
    }
    if response.no_exact_answer {
        out.push_str(&format!(
            "No article answers `{}` exactly.\n",
            response.query
        ));
    }
    if let Some(support) = response.support.as_ref().filter(|_| response.support_first) {
        let ways: Vec<&str> = [&support.email, &support.phone, &support.chat]
            .into_iter()
            .map(String::as_str)
            .filter(|way| !way.is_empty())
            .collect();
        out.push_str(&format!("Contact support: {}\n", ways.join(", ")));
    }
    if response.hits.is_empty() && !response.support_first {
        out.push_str(&format!("No results for `{}`", response.query));
        if let Some(suggestion) = &response.suggestion {
            out.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        out.push('\n');
        if !response.popular.is_empty() {
            out.push_str("Popular articles:\n");
            for article in &response.popular {
                out.push_str(&format!(
                    "   {} ({})\n   {}\n",
                    article.title, article.section, article.url
                ));
            }
        }
        return out;
    }
    if response.no_exact_answer {
        out.push_str("Related articles:\n");
    }
    for (n, hit) in response.hits.iter().enumerate() {
        let title = if hit.heading.is_empty() {
            hit.title.to_string()
        } else {
            format!("{} › {}", hit.title, hit.heading)
        };
        out.push_str(&format!(
            "{}. {title} ({}, {})\n   {}\n   {}\n",
            n + 1,
            hit.section,
            hit.lang,
            hit.url,
            plain(&hit.snippet, bold)
        ));
        if let Some(why) = &hit.explain {
            out.push_str(&explanation(why, hit.score));
        }
    }
    out.push_str(&format!(
        "{} {} found\n",
        response.total,
        if response.total == 1 {
            "article"
        } else {
            "articles"
        }
    ));
    out
}

/// A hit's explanation, indented under it.
fn explanation(why: &Explanation, score: f32) -> String {
    let learned = if why.learned > 0.0 {
        format!(" + learned from shoppers' choices {}", why.learned)
    } else {
        String::new()
    };
    let mut out = format!(
        "   why: score {score} = title {} + topic {} + text {}{learned}; read {}\n",
        why.title, why.topic, why.text, why.reading
    );
    for phrasing in &why.vocabulary {
        out.push_str(&format!("     vocabulary: {phrasing}\n"));
    }
    for word in &why.words {
        let how = match word.how.as_str() {
            "word" if word.typed == word.word => "as typed".to_string(),
            how => format!("{how} → {}", word.word),
        };
        out.push_str(&format!(
            "     `{}`: {how} (title {}, topic {}, text {})\n",
            word.typed, word.title, word.topic, word.text
        ));
    }
    out.push_str(&format!("   link: {}\n", why.anchor));
    out
}

/// Snippet HTML as terminal text: `<mark>` as bold (or `[…]` when not a terminal).
fn plain(html: &str, bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    html.replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
