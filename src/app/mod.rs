//! State, messages, effects and the pure `update` that ties them together.

mod accounts;
mod actions;
pub mod feeds;
pub mod list;
mod listing;
pub mod marks;
mod msg;
mod names;
mod restore;
mod sources_pane;
pub use crate::engine::trail;

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tui_input::Input;

pub use crate::engine::restore::{Check, Outcome};
use crate::layout::{self, Footer};
use crate::store::{Arn, ErrorKind, EventPage, Identity, Page, PendingSecret, StoreError};
use actions::on_action;
pub use feeds::{Feed, FeedState, Load, Source, SourceId};
use list::{RestoreState, SecretList};
use listing::{on_deletions, on_identified, on_load_failed, on_page};
use marks::{Batch, Bulk, Marks};
pub use msg::{Action, Effect, Mode, Msg, Status, Target, Tone};
use restore::on_restore_finished;
pub use sources_pane::{Columns, LineKind, PaneLine, SourcesView};
use trail::Phase;

/// A confirmation ignores `y` and Enter this long after it is first drawn:
/// a key typed ahead for something else never confirms what nobody saw.
pub const CONFIRM_GUARD: Duration = Duration::from_millis(250);

pub struct State {
    feeds: Vec<Feed>,
    tz: TimeZone,
    now: Timestamp,
    mode: Mode,
    list: SecretList,
    filter: Input,
    status: Option<Status>,
    /// Secrets restored this session, with the `DeletedDate` they had, so a
    /// lagging listing cannot put them back.
    restored: HashMap<Arn, Timestamp>,
    size: (u16, u16),
    /// Restore calls sent and not yet answered.
    in_flight: usize,
    /// The status line reports a failed listing, which a good one clears.
    status_is_listing_failure: bool,
    /// Nothing is written: `r` says so (the runtime refuses too).
    read_only: bool,
    marks: Marks,
    batch: Batch,
    /// How long the loop has run (`Msg::Elapsed`).
    uptime: Duration,
    /// When, by `uptime`, the confirmation on screen was first drawn whole.
    shown_at: Option<Duration>,
    /// The last frame could not show the confirmation in full.
    hidden: bool,
    /// Restores stopped (the audit log failed): why.
    stopped: Option<String>,
    /// `DescribeSecret`'s answers, by ARN, for the details pane.
    described: HashMap<Arn, Result<crate::store::Described, StoreError>>,
    accounts: accounts::Accounts,
    sources_pane: sources_pane::SourcesPane,
}

/// Read access for drawing and tests; only `update` changes the state.
impl State {
    /// Every source, by id.
    pub fn feeds(&self) -> &[Feed] {
        &self.feeds
    }
    /// The first source: the only one, unless several were asked for.
    pub fn source(&self) -> &Source {
        &self.feeds[0].source
    }
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
    pub fn now(&self) -> Timestamp {
        self.now
    }
    pub fn mode(&self) -> &Mode {
        &self.mode
    }
    pub fn list(&self) -> &SecretList {
        &self.list
    }
    pub fn filter(&self) -> &Input {
        &self.filter
    }
    /// The first source's listing.
    pub fn load(&self) -> &Load {
        &self.feeds[0].load
    }
    /// The first source's CloudTrail lookups.
    pub fn trail(&self) -> &trail::Trail {
        &self.feeds[0].trail
    }
    /// A listing is running somewhere.
    pub fn loading(&self) -> bool {
        self.feeds.iter().any(|f| f.load.loading)
    }
    /// Entries seen by the current listings, pending or not.
    pub fn scanned(&self) -> usize {
        self.feeds.iter().map(|f| f.load.scanned).sum()
    }
    /// Some listing stopped before its last page.
    pub fn incomplete(&self) -> bool {
        self.feeds.iter().any(|f| f.load.incomplete)
    }
    /// CloudTrail pages being read, over every source; `None` when none is.
    pub fn dating(&self) -> Option<usize> {
        let reading: Vec<usize> = self
            .feeds
            .iter()
            .filter_map(|f| match f.trail.phase {
                Phase::Reading { pages } => Some(pages),
                _ => None,
            })
            .collect();
        (!reading.is_empty()).then(|| reading.iter().sum())
    }
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }
    /// The terminal's size in cells.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }
    /// Restore calls sent and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
    pub fn marks(&self) -> &Marks {
        &self.marks
    }
    pub fn batch(&self) -> &Batch {
        &self.batch
    }
}

impl State {
    pub fn new(source: Source, tz: TimeZone, now: Timestamp) -> Self {
        Self::with_sources(vec![source], tz, now)
    }

    /// A state over several sources; there is always at least one.
    pub fn with_sources(sources: Vec<Source>, tz: TimeZone, now: Timestamp) -> Self {
        let mut feeds: Vec<Feed> = sources
            .into_iter()
            .take(list::MAX_SOURCES)
            .map(Feed::new)
            .collect();
        if feeds.is_empty() {
            feeds.push(Feed::new(Source::default()));
        }
        State {
            feeds,
            tz,
            now,
            mode: Mode::List,
            list: SecretList::default(),
            filter: Input::default(),
            status: None,
            restored: HashMap::new(),
            size: (0, 0),
            in_flight: 0,
            status_is_listing_failure: false,
            read_only: false,
            marks: Marks::default(),
            batch: Batch::default(),
            uptime: Duration::ZERO,
            shown_at: None,
            hidden: false,
            stopped: None,
            described: HashMap::new(),
            accounts: accounts::Accounts::default(),
            sources_pane: sources_pane::SourcesPane::default(),
        }
    }

    /// What a restore of `row` is about, and who will ask for it.
    fn target(&self, row: &list::Row) -> Target {
        let mut target = Target::of(row.source(), &row.secret, &row.dates);
        if let Some(feed) = self.feeds.get(row.source()) {
            feed.source.profile_name().clone_into(&mut target.profile);
            target.principal = feed.identity.as_ref().map(|i| i.arn.clone());
            target.route = feed.source.route();
        }
        target
    }

    /// Something to tell the operator as the screen first comes up.
    pub fn with_notice(mut self, text: impl Into<String>) -> Self {
        self.set_status(Tone::Info, text);
        self
    }

    /// Read-only: restores are refused.
    pub fn with_read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// How long the loop has run, by the clock keys are judged by.
    pub fn uptime(&self) -> Duration {
        self.uptime
    }

    /// `DescribeSecret`'s answer for `arn`, once it came.
    pub fn described(&self, arn: &Arn) -> Option<&Result<crate::store::Described, StoreError>> {
        self.described.get(arn)
    }

    /// Refused reads are known back to this instant in every source that
    /// read them (the latest of their starts), and how many events were
    /// read; `None` before any lookup ended.
    pub fn reads_checked(&self) -> Option<(Timestamp, usize)> {
        let done = self
            .feeds
            .iter()
            .filter_map(|f| Some((f.reads.checked_since()?, f.reads.events)));
        done.fold(
            None,
            |acc: Option<(Timestamp, usize)>, (since, events)| match acc {
                Some((s, e)) => Some((s.max(since), e + events)),
                None => Some((since, events)),
            },
        )
    }

    /// A source's reads lookup failed: the counts there are unknown.
    pub fn reads_failed(&self) -> Option<&StoreError> {
        self.feeds.iter().find_map(|f| match &f.reads.phase {
            crate::engine::reads::ReadPhase::Failed(e) => Some(e),
            _ => None,
        })
    }

    /// Why restores are stopped, when the audit log failed.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Why `r` restores nothing now: read-only, or restores stopped.
    fn refusal(&self) -> Option<String> {
        if self.read_only {
            return Some(crate::store::guard::READ_ONLY.to_owned());
        }
        self.stopped.clone()
    }

    /// Opens a confirmation; it counts as seen only once it is drawn.
    fn ask(&mut self, mode: Mode) {
        self.mode = mode;
        self.shown_at = None;
        self.hidden = false;
    }

    /// The confirmation has been on screen long enough to be read.
    fn confirmation_seen(&self) -> bool {
        self.shown_at
            .is_some_and(|at| self.uptime.saturating_sub(at) >= CONFIRM_GUARD)
    }

    /// Asks who each source is, and starts every listing.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects: Vec<Effect> = (0..self.feeds.len())
            .map(|source| Effect::Identify { source })
            .collect();
        effects.extend(self.refresh());
        effects
    }

    /// Something on screen moves by itself (spinner).
    pub fn animating(&self) -> bool {
        self.loading() || self.in_flight > 0 || self.dating().is_some()
    }

    /// The note and status lines as they are laid out at `width`.
    pub fn footer(&self, width: u16) -> Footer {
        let note = self
            .startup_error()
            .is_none()
            .then(|| self.notes())
            .flatten();
        let status = self.status.as_ref().map(|s| s.text.as_str());
        Footer::new(width, note.as_deref(), status)
    }

    /// The next instant a countdown on screen reads differently.
    pub fn next_countdown_change(&self, now: Timestamp) -> Option<Timestamp> {
        self.list
            .on_screen()
            .filter_map(|r| crate::purge::next_change(r.dates.purge, now))
            .min()
    }

    /// Rows whose purge is only known as a 7–30-day window.
    pub fn estimated(&self) -> usize {
        self.list.estimated()
    }

    /// The note under the table: why dates are estimates, and how far back
    /// refused reads were checked.
    pub fn notes(&self) -> Option<String> {
        let reads = self.reads_note();
        match (self.dates_note(), reads) {
            (Some(d), Some(r)) => Some(format!("{d} {r}")),
            (d, r) => d.or(r),
        }
    }

    /// How far back refused reads are known, or why they are not: one
    /// sentence, once a lookup has ended.
    pub fn reads_note(&self) -> Option<String> {
        if self.list.is_empty() {
            return None;
        }
        if let Some(e) = self.reads_failed() {
            let same = self.feeds.iter().any(|f| match &f.trail.phase {
                Phase::Failed(d) => d.message == e.message,
                _ => false,
            });
            if same {
                return Some("Refused reads are unknown for the same reason.".to_owned());
            }
            return Some(if e.kind == ErrorKind::AccessDenied {
                "Refused reads are unknown: allow cloudtrail:LookupEvents to see who still asks."
                    .to_owned()
            } else {
                format!("Refused reads are unknown: CloudTrail could not be read ({e}).")
            });
        }
        let (since, events) = self.reads_checked()?;
        Some(format!(
            "Reads checked since {} ({} events).",
            crate::dates::date(&self.tz, since),
            crate::text::thousands(events)
        ))
    }

    /// Why some dates are estimates, or why nobody is named: one sentence.
    pub fn dates_note(&self) -> Option<String> {
        let n = self.estimated();
        let what = match n {
            0 if self.list.is_empty() => return None,
            0 => "Who deleted each secret is unknown".to_owned(),
            1 => "1 purge date is a 7–30-day estimate".to_owned(),
            n => format!("{n} purge dates are 7–30-day estimates"),
        };
        let failed = self.feeds.iter().find_map(|f| match &f.trail.phase {
            Phase::Failed(e) if !feeds::not_enabled(e) => Some(e),
            _ => None,
        });
        let phase = match failed {
            Some(e) => Phase::Failed(e.clone()),
            None if self.dating().is_some() => Phase::Reading { pages: 0 },
            None if self.feeds.iter().any(|f| f.trail.phase == Phase::Done) => Phase::Done,
            None => Phase::Idle,
        };
        match &phase {
            Phase::Failed(e) if e.kind == ErrorKind::AccessDenied => Some(format!(
                "{what}: CloudTrail refused LookupEvents. Allow cloudtrail:LookupEvents for \
                 exact dates and who deleted each secret."
            )),
            Phase::Failed(e) => Some(format!("{what}: CloudTrail could not be read ({e}).")),
            Phase::Done if n > 0 => Some(format!(
                "{what}: CloudTrail has no event for {} yet (it records deletions minutes \
                 late; R looks again).",
                if n == 1 { "it" } else { "them" }
            )),
            _ => None,
        }
    }

    /// Every source failed before anything could be shown: the first
    /// failure, and its source.
    pub fn startup_error(&self) -> Option<(&StoreError, &Source)> {
        if !self.list.is_empty() {
            return None;
        }
        let failed = |f: &Feed| f.load.error.is_some() && !f.load.completed && !f.load.loading;
        let live = self.feeds.iter().filter(|f| f.duplicate_of.is_none());
        if !live.clone().all(failed) {
            return None;
        }
        self.feeds
            .iter()
            .find_map(|f| Some((f.load.error.as_ref()?, &f.source)))
    }

    fn set_status(&mut self, tone: Tone, text: impl Into<String>) {
        self.status_is_listing_failure = false;
        self.status = Some(Status {
            tone,
            text: text.into(),
        });
    }

    /// Lists every source again (a duplicate stays quiet); one whose
    /// identity failed is asked again first.
    fn refresh(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (source, feed) in self.feeds.iter_mut().enumerate() {
            if feed.duplicate_of.is_some() {
                continue;
            }
            if feed.identity_error.is_some() {
                effects.push(Effect::Identify { source });
            }
            let load = &mut feed.load;
            load.generation += 1;
            load.loading = true;
            load.scanned = 0;
            load.incomplete = false;
            effects.push(Effect::LoadPage {
                source,
                generation: load.generation,
                token: None,
            });
        }
        effects
    }
}

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let effects = dispatch(state, msg);
    // The status line can grow or shrink the table; keep the selection on screen.
    let (width, height) = state.size;
    let footer = state.footer(width);
    state
        .list
        .set_viewport(layout::table_rows(width, height, &footer));
    effects
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(action) => on_action(state, action),
        Msg::FilterEdit(req) => {
            if state.mode == Mode::Filter {
                state.filter.handle(req);
                state.list.set_query(state.filter.value());
            }
            vec![]
        }
        Msg::Resize { width, height } => {
            state.size = (width, height);
            vec![]
        }
        Msg::Tick(now) => {
            state.now = now;
            vec![]
        }
        Msg::Identified { source, result } => on_identified(state, source, result),
        Msg::PageLoaded {
            source,
            generation,
            page,
        } => on_page(state, source, generation, page),
        Msg::LoadFailed {
            source,
            generation,
            error,
        } => {
            on_load_failed(state, source, generation, error);
            vec![]
        }
        Msg::RestoreSent { arn } => {
            if state
                .list
                .get(&arn)
                .is_some_and(|r| r.restore == RestoreState::Queued)
            {
                state.list.set_restore(&arn, RestoreState::Restoring);
            }
            vec![]
        }
        Msg::RestoreFinished { target, outcome } => {
            on_restore_finished(state, target, outcome);
            vec![]
        }
        Msg::RestoresStopped { reason } => {
            state.set_status(Tone::Error, reason.clone());
            state.stopped = Some(reason);
            vec![]
        }
        Msg::Elapsed(uptime) => {
            state.uptime = state.uptime.max(uptime);
            vec![]
        }
        Msg::Drawn { at, whole } => {
            state.uptime = state.uptime.max(at);
            if matches!(state.mode, Mode::Confirm(_) | Mode::ConfirmMany(_)) {
                state.hidden = !whole;
                if !whole {
                    // Shown again later, it must be read again.
                    state.shown_at = None;
                } else if state.shown_at.is_none() {
                    state.shown_at = Some(at);
                }
            }
            vec![]
        }
        Msg::DeletionsLoaded {
            source,
            generation,
            page,
        } => on_deletions(state, source, generation, page),
        Msg::DeletionsFailed {
            source,
            generation,
            error,
        } => {
            if let Some(feed) = state.feeds.get_mut(source)
                && generation == feed.trail.generation
            {
                feed.trail.failed(error);
                return listing::look_up_reads(state, source);
            }
            vec![]
        }
        Msg::ReadsLoaded {
            source,
            generation,
            page,
        } => listing::on_reads(state, source, generation, page),
        Msg::ReadsFailed {
            source,
            generation,
            error,
        } => {
            if let Some(feed) = state.feeds.get_mut(source)
                && generation == feed.reads.generation
            {
                feed.reads.failed(error);
            }
            vec![]
        }
        Msg::Described { arn, result } => {
            state.described.insert(arn, result);
            vec![]
        }
    }
}
