//! The list window: selection by position in a keyset-paged window of the
//! filtered list, fetching more near its edges and trimming what is far away.

use super::{App, FETCH, MAX_ROWS};
use crate::model::RequestId;
use crate::model::RequestSummary;
use crate::store::Dir;
use crate::tui::msg::{Effect, Placement, StoreCmd};

impl App {
    pub(super) fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        let target = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        // Moving away from the newest request stops following it.
        if target != 0 {
            self.follow = false;
        }
        let mut effects = self.select(target);
        effects.extend(self.fetch_if_near_edge());
        effects
    }

    pub(super) fn first(&mut self) -> Vec<Effect> {
        if self.at_newest {
            let mut effects = self.select(0);
            self.unseen = 0;
            effects.extend(self.fetch_if_near_edge());
            return effects;
        }
        self.reload_window()
    }

    pub(super) fn last(&mut self) -> Vec<Effect> {
        self.follow = false;
        if self.at_oldest {
            let last = self.rows.len().saturating_sub(1);
            return self.select(last);
        }
        self.loading = true;
        vec![
            StoreCmd::LoadWindow {
                generation: self.generation,
                filter: self.filter.clone(),
                anchor: None,
                dir: Dir::Newer,
                limit: FETCH,
                placement: Placement::ReplaceAtEnd,
            }
            .into(),
        ]
    }

    /// Selects row `index`, keeps it visible and loads its detail.
    pub(super) fn select(&mut self, index: usize) -> Vec<Effect> {
        self.selected = index;
        // New rows passed on the way up are seen.
        if self.at_newest {
            self.unseen = self.unseen.min(index as u64);
        }
        self.clamp_offset();
        self.want_detail()
    }

    pub(super) fn want_detail(&mut self) -> Vec<Effect> {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            self.shown = None;
            self.wanted = None;
            return Vec::new();
        };
        let showing = self.shown.as_ref().map(|s| s.detail.summary.id);
        if showing == Some(id) || self.wanted == Some(id) {
            return Vec::new();
        }
        self.wanted = Some(id);
        vec![StoreCmd::LoadDetail(id).into()]
    }

    pub(super) fn clamp_offset(&mut self) {
        let height = usize::from(self.areas().list_rows.max(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Asks for more rows when the selection is within a page of an edge.
    pub(super) fn fetch_if_near_edge(&mut self) -> Vec<Effect> {
        if self.loading || self.rows.is_empty() {
            return Vec::new();
        }
        let page = usize::from(self.areas().list_rows.max(1));
        if !self.at_oldest && self.selected + 2 * page >= self.rows.len() {
            let anchor = self.rows.last().map(|r| r.id);
            self.loading = true;
            return vec![self.window_cmd(anchor, Dir::Older, Placement::Append)];
        }
        if !self.at_newest && self.selected < page {
            return self.load_newer();
        }
        Vec::new()
    }

    /// Reads the newest rows again, keeping the selection.
    pub(super) fn refresh(&mut self) -> Vec<Effect> {
        if self.loading {
            self.look_again = true;
            return Vec::new();
        }
        self.loading = true;
        vec![self.window_cmd(None, Dir::Older, Placement::Refresh)]
    }

    pub(super) fn load_newer(&mut self) -> Vec<Effect> {
        if self.loading {
            return Vec::new();
        }
        let anchor = self.rows.first().map(|r| r.id);
        self.loading = true;
        vec![self.window_cmd(anchor, Dir::Newer, Placement::Prepend)]
    }

    pub(super) fn window_cmd(
        &self,
        anchor: Option<RequestId>,
        dir: Dir,
        placement: Placement,
    ) -> Effect {
        StoreCmd::LoadWindow {
            generation: self.generation,
            filter: self.filter.clone(),
            anchor,
            dir,
            limit: FETCH,
            placement,
        }
        .into()
    }

    /// A new query: new generation, list from the newest, fresh counts.
    pub(super) fn reload(&mut self) -> Vec<Effect> {
        self.generation += 1;
        self.matching = None;
        self.count_in_flight = false;
        let mut effects = self.reload_window();
        effects.extend(self.count());
        effects
    }

    pub(super) fn reload_window(&mut self) -> Vec<Effect> {
        self.loading = true;
        self.unseen = 0;
        vec![self.window_cmd(None, Dir::Older, Placement::Replace)]
    }

    pub(super) fn count(&mut self) -> Vec<Effect> {
        if self.count_in_flight {
            self.count_stale = true;
            return Vec::new();
        }
        self.count_in_flight = true;
        self.count_stale = false;
        vec![
            StoreCmd::Count {
                generation: self.generation,
                filter: self.filter.clone(),
            }
            .into(),
        ]
    }

    pub(super) fn place(&mut self, rows: Vec<RequestSummary>, placement: Placement) -> Vec<Effect> {
        let full = rows.len() as u32 >= FETCH;
        let selected_id = self.selected_row().map(|r| r.id);
        match placement {
            Placement::Replace => {
                self.rows = rows;
                self.at_newest = true;
                self.at_oldest = !full;
                self.selected = 0;
                self.offset = 0;
            }
            Placement::ReplaceAtEnd => {
                self.rows = rows;
                self.at_oldest = true;
                self.at_newest = !full;
                self.selected = self.rows.len().saturating_sub(1);
            }
            Placement::Append => {
                self.at_oldest = !full;
                self.rows.extend(rows);
                if self.rows.len() > MAX_ROWS {
                    let cut = self.rows.len() - MAX_ROWS;
                    self.rows.drain(..cut);
                    self.selected = self.selected.saturating_sub(cut);
                    self.offset = self.offset.saturating_sub(cut);
                    self.at_newest = false;
                }
            }
            Placement::Refresh => {
                let newest = self.rows.first().map(|r| r.id);
                let added = rows.iter().take_while(|r| Some(r.id) > newest).count();
                if !self.follow {
                    self.unseen += added as u64;
                }
                self.rows = rows;
                self.at_newest = true;
                self.at_oldest = !full;
                if self.follow {
                    self.selected = 0;
                    self.offset = 0;
                } else {
                    let kept = selected_id.and_then(|id| self.rows.iter().position(|r| r.id == id));
                    let moved = kept.unwrap_or(0) as isize - self.selected as isize;
                    self.selected = kept.unwrap_or(0);
                    self.offset = self.offset.saturating_add_signed(moved);
                }
            }
            Placement::Prepend => {
                self.at_newest = !full;
                let added = rows.len();
                self.rows.splice(0..0, rows);
                if self.follow && self.at_newest {
                    self.selected = 0;
                    self.offset = 0;
                } else if let Some(id) = selected_id {
                    self.selected = self.rows.iter().position(|r| r.id == id).unwrap_or(0);
                    self.offset += added;
                }
                self.trim_back();
            }
        }
        if self.at_newest && self.selected == 0 {
            self.unseen = 0;
        }
        self.clamp_offset();
        let mut effects = self.want_detail();
        effects.extend(self.fetch_if_near_edge());
        if std::mem::take(&mut self.look_again) && self.at_newest {
            effects.extend(self.refresh());
        }
        effects
    }

    pub(super) fn trim_back(&mut self) {
        if self.rows.len() > MAX_ROWS {
            self.rows.truncate(MAX_ROWS);
            self.at_oldest = false;
            self.selected = self.selected.min(MAX_ROWS - 1);
        }
    }
}
