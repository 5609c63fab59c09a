//! Typed indices: an article's place in `Site::articles` and a section's in `Site::sections`,
//! and the per-article and per-section lists read by them, so that one is never taken for the
//! other.

use std::ops::Index;

use crate::content::{Article, Section};

/// An article's place in `Site::articles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub usize);

/// A section's place in `Site::sections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub usize);

/// One value per article, in the order of `Site::articles`.
#[derive(Debug)]
pub struct PerArticle<'a, T>(pub &'a [T]);

/// One value per section, in the order of `Site::sections`.
#[derive(Debug)]
pub struct PerSection<'a, T>(pub &'a [T]);

// Derived `Clone`/`Copy` would ask the same of `T`; a shared slice is copied whatever it holds.
impl<T> Clone for PerArticle<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PerArticle<'_, T> {}

impl<T> Clone for PerSection<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for PerSection<'_, T> {}

impl<T> Index<ArticleId> for PerArticle<'_, T> {
    type Output = T;

    fn index(&self, id: ArticleId) -> &T {
        &self.0[id.0]
    }
}

impl<T> Index<SectionId> for PerSection<'_, T> {
    type Output = T;

    fn index(&self, id: SectionId) -> &T {
        &self.0[id.0]
    }
}

impl Index<ArticleId> for Vec<Article> {
    type Output = Article;

    fn index(&self, id: ArticleId) -> &Article {
        &self[id.0]
    }
}

impl Index<SectionId> for Vec<Section> {
    type Output = Section;

    fn index(&self, id: SectionId) -> &Section {
        &self[id.0]
    }
}
