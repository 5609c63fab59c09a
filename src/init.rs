//! `helpbook init`: a new help center with book.toml, one FAQ and one how-to. Never
//! overwrites anything.

use std::path::{Path, PathBuf};

use crate::fs::{self, FsError};

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder already has a help center (or files we would overwrite).
    #[error("`{}` already exists; helpbook init never overwrites files: pick an empty or new folder, e.g. `helpbook init mykb`", .0.display())]
    Exists(PathBuf),
    #[error(transparent)]
    Fs(#[from] FsError),
}

const FILES: &[(&str, &str)] = &[
    (
        "book.toml",
        r#"[book]
title = "My Shop Help Center"
description = "Answers about orders, delivery, returns and payments"
language = "en"
# languages = ["ru", "et"]            # more languages, served at /ru/, /et/
# base-url = "https://help.example.com" # enables canonical URLs and sitemap.xml

[support]
email = "help@example.com"
# phone = "+372 600 0000"
# chat = "https://example.com/chat"
"#,
    ),
    (
        "content/returns/_index.md",
        r#"+++
title = "Returns and refunds"
description = "Sending items back and getting your money back"
weight = 1
+++
"#,
    ),
    (
        "content/returns/returns-faq.md",
        r#"+++
title = "Returns: frequently asked questions"
description = "How long you have to return an item, what it costs and when your money comes back."
kind = "faq"
tags = ["returns", "refund"]
+++

Each `##` heading below is one question; the text under it is the answer.

## How long do I have to return an item?

You can return any unused item within **30 days** of delivery.

## How long does a refund take?

We refund to the original payment method within 14 days of receiving your return.
"#,
    ),
    (
        "content/returns/return-an-item.md",
        r#"+++
title = "How to return an item"
description = "Return an item in four steps, from your order page to the parcel locker."
kind = "howto"
tags = ["returns"]
+++

The numbered list below is the steps.

1. Open **My orders** and choose the order.
2. Select the items to return and the reason.
3. Print the return label we email you and stick it on the parcel.
4. Drop the parcel at any parcel locker.

Questions? See the [returns FAQ](returns-faq.md#how-long-does-a-refund-take).
"#,
    ),
];

/// Writes a new help center into `dir` (created if needed). Returns the files written.
pub fn scaffold(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    for existing in ["book.toml", "content"] {
        let path = dir.join(existing);
        if path.exists() {
            return Err(InitError::Exists(path));
        }
    }
    let mut written = Vec::new();
    for (path, text) in FILES {
        let path = dir.join(path);
        fs::write(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
