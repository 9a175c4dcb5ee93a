//! 查找 (search): one box over tasks (by title or a target's name), orgs and
//! people, as the user may see them.
//!
//! Who finds what: the office and leaders find every task of the tenant, a
//! reporter only the tasks their org leads or supports (as the plan pages
//! list them, `guards::can_view_task`); everyone of the list finds
//! the tenant's orgs; a reporter finds only the people of their own org. The
//! three administrators (三员) work no list and search nothing. Nothing crosses
//! tenants.

use crate::guards::require_business;
use crate::{App, AppError, Result};
use qingdan_domain::{Invalid, User};
use qingdan_storage::SearchQuery;

pub use qingdan_storage::{MatchRank, SearchHit, SearchKind};

/// The longest text searched for, in characters: longer is no title's part
/// but a pasted paragraph.
pub const MAX_SEARCH_CHARS: usize = 50;
/// Hits shown on the page.
pub const SHOWN_HITS: usize = 50;
/// Hits counted: beyond this the page says 超过N条.
pub const COUNTED_HITS: usize = 500;

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// The text as searched (trimmed); empty when nothing was asked.
    pub text: String,
    /// The best [`SHOWN_HITS`] hits, best first.
    pub hits: Vec<SearchHit>,
    /// How many hits in all, up to [`COUNTED_HITS`].
    pub total: usize,
    /// More than [`COUNTED_HITS`] matched: `total` is the cap.
    pub is_total_capped: bool,
}

/// The text to search for: control characters dropped, spaces trimmed.
/// Empty is no search; more than [`MAX_SEARCH_CHARS`] is refused.
fn search_text(raw: &str) -> Result<String> {
    let text: String = raw.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned();
    if text.chars().count() > MAX_SEARCH_CHARS {
        let message = format!("查找内容不能超过{MAX_SEARCH_CHARS}个字，请输入任务、指标、单位或人员名称中的关键词");
        return Err(AppError::Invalid(Invalid::one("q", "too_long", message)));
    }
    Ok(text)
}

impl App {
    /// Searches tasks, targets' names, orgs and people for `raw`, ranked
    /// (exact name, then prefix, then anywhere; tasks before orgs before
    /// people at equal rank), as `user` may see them.
    ///
    /// # Errors
    ///
    /// [`AppError::Forbidden`] for the three administrators;
    /// [`AppError::Invalid`] for a text over [`MAX_SEARCH_CHARS`].
    pub async fn search(&self, user: &User, raw: &str) -> Result<SearchResults> {
        require_business(user)?;
        let text = search_text(raw)?;
        if text.is_empty() {
            return Ok(SearchResults::default());
        }
        let own_org_only = (!user.role.reads_whole_tenant()).then_some(user.org_id);
        let query = SearchQuery {
            tenant_id: user.tenant_id,
            text: text.to_lowercase(),
            tasks_of: own_org_only,
            people_of: own_org_only,
            limit: u32::try_from(COUNTED_HITS + 1).unwrap_or(u32::MAX),
        };
        let mut hits = self.store.search(&query).await?;
        let is_total_capped = hits.len() > COUNTED_HITS;
        let total = hits.len().min(COUNTED_HITS);
        hits.truncate(SHOWN_HITS);
        Ok(SearchResults { text, hits, total, is_total_capped })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_cleaned_and_bounded() {
        assert_eq!(search_text("  老旧小区\u{7} ").ok(), Some("老旧小区".to_owned()));
        assert_eq!(search_text("   ").ok(), Some(String::new()));
        assert!(search_text(&"长".repeat(MAX_SEARCH_CHARS)).is_ok());
        let error = search_text(&"长".repeat(MAX_SEARCH_CHARS + 1)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("不能超过50个字"), "{error}");
    }
}
