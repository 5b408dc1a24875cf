//! Facts from the store and the listener: new captures, deletions, new
//! verdicts and replies to queries.

use super::{App, Shown, Toast};
use crate::model::{RequestId, RequestSummary};
use crate::tui::msg::{Effect, StoreReply};

impl App {
    pub(super) fn captured(&mut self, mut rows: Vec<RequestSummary>) -> Vec<Effect> {
        let added = rows.len() as u64;
        self.total = self.total.map(|t| t + added);
        self.look_again |= self.loading;
        if !self.filter.is_empty() {
            let mut effects = self.count();
            if self.at_newest {
                effects.extend(self.load_newer());
            } else {
                self.unseen += rows.len() as u64;
            }
            return effects;
        }
        self.matching = self.total;
        if !self.at_newest || self.loading {
            self.unseen += rows.len() as u64;
            return Vec::new();
        }
        rows.reverse();
        let added = rows.len();
        let keep_top = self.follow || self.rows.is_empty();
        self.rows.splice(0..0, rows);
        if keep_top {
            self.selected = 0;
            self.offset = 0;
        } else {
            self.selected += added;
            self.offset += added;
            self.unseen += added as u64;
        }
        self.trim_back();
        self.clamp_offset();
        self.want_detail()
    }

    pub(super) fn reverified(
        &mut self,
        verdicts: &[crate::store::SignatureVerdict],
    ) -> Vec<Effect> {
        for v in verdicts {
            if let Some(row) = self.rows.iter_mut().find(|r| r.id == v.id) {
                row.sig_provider.clone_from(&v.provider);
                row.sig_status = Some(v.status.clone());
            }
        }
        let Some(shown) = self.shown.as_mut() else {
            return Vec::new();
        };
        let Some(v) = verdicts.iter().find(|v| v.id == shown.detail.summary.id) else {
            return Vec::new();
        };
        shown.detail.summary.sig_provider.clone_from(&v.provider);
        shown.detail.summary.sig_status = Some(v.status.clone());
        shown.prepared = None;
        vec![Effect::RenderBody(shown.detail.clone())]
    }

    pub(super) fn deleted(&mut self, ids: &[RequestId]) -> Vec<Effect> {
        let before = self.rows.len();
        let selected_id = self.selected_row().map(|r| r.id);
        self.rows.retain(|r| !ids.contains(&r.id));
        self.total = self.total.map(|t| t.saturating_sub(ids.len() as u64));
        if before != self.rows.len() {
            if let Some(id) = selected_id.filter(|id| !ids.contains(id)) {
                self.selected = self.rows.iter().position(|r| r.id == id).unwrap_or(0);
            }
            self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            self.toast = Some(Toast::Info(format!("deleted {} request(s)", ids.len())));
        }
        if self
            .shown
            .as_ref()
            .is_some_and(|s| ids.contains(&s.detail.summary.id))
        {
            self.shown = None;
        }
        let mut effects = self.count();
        self.clamp_offset();
        effects.extend(self.want_detail());
        effects
    }

    pub(super) fn store_reply(&mut self, reply: StoreReply) -> Vec<Effect> {
        match reply {
            StoreReply::Window {
                generation,
                rows,
                placement,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                self.loading = false;
                self.place(rows, placement)
            }
            StoreReply::Detail {
                id,
                detail,
                attempts,
            } => {
                if self.wanted != Some(id) {
                    return Vec::new();
                }
                self.wanted = None;
                match detail {
                    // The same request again (new attempts): keep its prepared views.
                    Some(detail)
                        if self
                            .shown
                            .as_ref()
                            .is_some_and(|s| s.detail.summary.id == id && s.prepared.is_some()) =>
                    {
                        if let Some(shown) = self.shown.as_mut() {
                            shown.detail = detail;
                            shown.attempts = attempts;
                        }
                        Vec::new()
                    }
                    Some(detail) => {
                        self.shown = Some(Shown {
                            detail: detail.clone(),
                            attempts,
                            prepared: None,
                        });
                        vec![Effect::RenderBody(detail)]
                    }
                    None => {
                        self.shown = None;
                        Vec::new()
                    }
                }
            }
            StoreReply::Count {
                generation,
                total,
                matching,
            } => {
                self.count_in_flight = false;
                self.total = Some(total);
                if generation == self.generation {
                    self.matching = Some(matching);
                }
                if self.count_stale {
                    self.count()
                } else {
                    Vec::new()
                }
            }
            StoreReply::Exported { path, result } => {
                self.toast = Some(match result {
                    Ok(n) => Toast::Info(format!(
                        "exported {n} request{} to {}",
                        if n == 1 { "" } else { "s" },
                        path.display()
                    )),
                    Err(e) => Toast::Error(format!("export failed: {e}")),
                });
                Vec::new()
            }
            StoreReply::Failed { what, error } => {
                self.loading = false;
                self.count_in_flight = false;
                self.toast = Some(Toast::Error(format!("{what} failed: {error}")));
                Vec::new()
            }
        }
    }
}
