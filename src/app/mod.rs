//! State, messages, effects and the pure `update` that ties them together.

pub mod feeds;
pub mod list;
pub mod marks;
mod names;
pub mod trail;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tui_input::{Input, InputRequest};

use crate::layout::{self, Footer};
use crate::purge::{self, Dates};
use crate::store::{
    Arn, ErrorKind, EventPage, EventQuery, Identity, Page, PendingSecret, StoreError,
};
pub use feeds::{Feed, FeedState, Load, Source, SourceId};
use list::{RestoreState, SecretList};
use marks::{Batch, Bulk, Marks};
use trail::Phase;

/// What a key asks for. The keymap in `keys` maps key presses to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenFilter,
    AcceptFilter,
    ClearFilter,
    Restore,
    Confirm,
    Cancel,
    Refresh,
    Help,
    CloseHelp,
    ShowMessage,
    CloseMessage,
    ShowSources,
    CloseSources,
    /// Mark or unmark the selected secret.
    ToggleMark,
    /// Mark every shown secret, or unmark them when all are marked.
    MarkAll,
    /// Esc in the list: the filter first, then the marks.
    Escape,
    /// A digit typed into a bulk confirmation.
    Digit(char),
    Erase,
    /// Quit even with restores queued or in flight.
    QuitAnyway,
    Quit,
}

/// The secret a restore is about, captured when the key was pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The feed that listed it: the restore goes back through it.
    pub source: SourceId,
    pub arn: Arn,
    pub name: String,
    pub deleted_date: Timestamp,
    /// What was known of the deletion when the operator asked.
    pub dates: Dates,
    /// For the audit line: the profile and the caller, when known.
    pub profile: Option<String>,
    pub principal: Option<String>,
}

impl Target {
    /// A restore of `secret` as listed by `source`; who asks is filled in later.
    pub fn of(source: SourceId, secret: &PendingSecret, dates: &Dates) -> Self {
        Target {
            source,
            arn: secret.arn.clone(),
            // Only for messages.
            name: secret.display_name().to_owned(),
            deleted_date: secret.deleted_date,
            dates: dates.clone(),
            profile: None,
            principal: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    FilterEdit(InputRequest),
    /// The terminal's size in cells.
    Resize {
        width: u16,
        height: u16,
    },
    Tick(Timestamp),
    PageLoaded {
        source: SourceId,
        generation: u64,
        page: Page,
    },
    LoadFailed {
        source: SourceId,
        generation: u64,
        error: StoreError,
    },
    Identified {
        source: SourceId,
        result: Result<Identity, StoreError>,
    },
    /// A queued restore left for the service.
    RestoreSent {
        arn: Arn,
    },
    RestoreFinished {
        target: Target,
        result: Result<(), StoreError>,
    },
    DeletionsLoaded {
        source: SourceId,
        generation: u64,
        page: EventPage,
    },
    DeletionsFailed {
        source: SourceId,
        generation: u64,
        error: StoreError,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// STS `GetCallerIdentity` for one feed.
    Identify {
        source: SourceId,
    },
    LoadPage {
        source: SourceId,
        generation: u64,
        token: Option<String>,
    },
    Restore(Target),
    /// A CloudTrail `LookupEvents` page; the runtime paces these per feed.
    LookupDeletions {
        source: SourceId,
        generation: u64,
        query: EventQuery,
    },
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    List,
    Filter,
    Confirm(Target),
    /// Restoring the marked secrets.
    ConfirmMany(Bulk),
    Help,
    /// The status line in full, when it was cut.
    Message,
    /// Every source: identity, state, last error and its fix.
    Sources,
    /// Restores are queued or in flight: quit anyway?
    ConfirmQuit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub tone: Tone,
    pub text: String,
}

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
    /// What the sources pane says of one source.
    pub fn feed_state(&self, id: SourceId) -> FeedState {
        let feed = &self.feeds[id];
        let peer_ok = self.feeds.iter().enumerate().any(|(other, f)| {
            other != id
                && f.source.profile == feed.source.profile
                && f.source.endpoint_url == feed.source.endpoint_url
                && f.listed()
        });
        feed.state(peer_ok)
    }
    /// How many listed rows each source holds now.
    pub fn rows_by_source(&self) -> Vec<usize> {
        let mut counts = vec![0; self.feeds.len()];
        for row in self.list.rows() {
            if let Some(n) = counts.get_mut(row.source()) {
                *n += 1;
            }
        }
        counts
    }

    /// Sources that failed (a region not enabled has not).
    pub fn failing(&self) -> usize {
        (0..self.feeds.len())
            .filter(|&id| matches!(self.feed_state(id), FeedState::Failed(_)))
            .count()
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
        let mut feeds: Vec<Feed> = sources.into_iter().map(Feed::new).collect();
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
        }
    }

    /// What a restore of `row` is about, and who will ask for it.
    fn target(&self, row: &list::Row) -> Target {
        let mut target = Target::of(row.source(), &row.secret, &row.dates);
        if let Some(feed) = self.feeds.get(row.source()) {
            target.profile = feed.source.profile.clone();
            target.principal = feed.identity.as_ref().map(|i| i.arn.clone());
        }
        target
    }

    /// Read-only: restores are refused.
    pub fn with_read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
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
            .then(|| self.dates_note())
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
        Msg::RestoreFinished { target, result } => {
            on_restore_finished(state, target, result);
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
            }
            vec![]
        }
    }
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    use Action::*;
    // The startup error screen has its own keys only: nothing is listed
    // under it to filter, move in or restore.
    if state.startup_error().is_some() && !matches!(action, Refresh | Quit | ShowSources) {
        return vec![];
    }
    if let (Up | Down, Mode::ConfirmMany(bulk)) = (action, &mut state.mode) {
        // The names of a bulk confirmation scroll; the list stays put.
        let last = bulk.targets.len().saturating_sub(1);
        bulk.scroll = if action == Up {
            bulk.scroll.saturating_sub(1)
        } else {
            (bulk.scroll + 1).min(last)
        };
        return vec![];
    }
    match action {
        Up => state.list.move_by(-1),
        Down => state.list.move_by(1),
        PageUp => state.list.page(-1),
        PageDown => state.list.page(1),
        Top => state.list.select_first(),
        Bottom => state.list.select_last(),
        OpenFilter => state.mode = Mode::Filter,
        AcceptFilter => state.mode = Mode::List,
        ClearFilter => {
            state.filter.reset();
            state.list.set_query("");
            state.mode = Mode::List;
        }
        Restore if !state.marks.is_empty() => ask_restore_marked(state),
        Restore => ask_restore(state),
        ToggleMark => {
            if let Some(row) = state.list.selected() {
                let arn = row.secret.arn.clone();
                state.marks.toggle(&arn);
            }
        }
        MarkAll => {
            let shown: Vec<Arn> = state
                .list
                .visible_rows()
                .map(|r| r.secret.arn.clone())
                .collect();
            if shown.iter().all(|a| state.marks.contains(a)) {
                shown.iter().for_each(|a| {
                    state.marks.remove(a);
                });
            } else {
                shown.into_iter().for_each(|a| state.marks.insert(a));
            }
        }
        Escape if !state.list.query().is_empty() => {
            state.filter.reset();
            state.list.set_query("");
        }
        Escape => state.marks.clear(),
        Digit(c) => {
            if let Mode::ConfirmMany(bulk) = &mut state.mode
                && bulk.typed.len() < 7
            {
                bulk.typed.push(c);
            }
        }
        Erase => {
            if let Mode::ConfirmMany(bulk) = &mut state.mode {
                bulk.typed.pop();
            }
        }
        // Never confirm what the operator could not see.
        Confirm if matches!(state.mode, Mode::Confirm(_)) && !layout::confirm_fits(state.size) => {
            let (w, h) = layout::CONFIRM_MIN;
            let text = format!("The terminal is too small to confirm a restore: it needs {w}x{h}");
            state.set_status(Tone::Error, text);
        }
        Confirm if matches!(&state.mode, Mode::ConfirmMany(b) if !b.confirmed()) => {
            if let Mode::ConfirmMany(bulk) = &state.mode {
                let n = bulk.targets.len();
                let text = format!("To restore {n} secrets, type {n} and press Enter");
                state.set_status(Tone::Info, text);
            }
        }
        Confirm => match std::mem::replace(&mut state.mode, Mode::List) {
            Mode::Confirm(target) => return confirm_restore(state, target),
            Mode::ConfirmMany(bulk) => return confirm_many(state, bulk.targets),
            other => state.mode = other,
        },
        Cancel | CloseHelp | CloseMessage | CloseSources => state.mode = Mode::List,
        ShowMessage if state.status.is_some() => state.mode = Mode::Message,
        ShowMessage => {}
        ShowSources => state.mode = Mode::Sources,
        // A second listing beside the first would double the calls against
        // an account-wide quota.
        Refresh if state.loading() => {
            state.set_status(Tone::Info, "Already listing: R works again when it ends");
        }
        Refresh => return state.refresh(),
        Help => state.mode = Mode::Help,
        // Work on its way is not dropped without asking.
        Quit if state.in_flight > 0 && state.mode != Mode::ConfirmQuit => {
            state.mode = Mode::ConfirmQuit;
        }
        Quit | QuitAnyway => return vec![Effect::Quit],
    }
    vec![]
}

fn ask_restore(state: &mut State) {
    let Some(row) = state.list.selected() else {
        return;
    };
    if state.read_only {
        state.set_status(Tone::Info, crate::runtime::READ_ONLY);
        return;
    }
    if row.restore.on_its_way() {
        let text = format!("{} is already being restored", row.secret.display_name());
        state.set_status(Tone::Info, text);
        return;
    }
    let target = state.target(row);
    state.mode = Mode::Confirm(target);
}

/// With marks, `r` restores the marked secrets that are listed and not
/// already on their way.
fn ask_restore_marked(state: &mut State) {
    if state.read_only {
        state.set_status(Tone::Info, crate::runtime::READ_ONLY);
        return;
    }
    let targets: Vec<Target> = state
        .list
        .rows()
        .filter(|r| state.marks.contains(&r.secret.arn))
        .filter(|r| !r.restore.on_its_way())
        .map(|r| state.target(r))
        .collect();
    if targets.is_empty() {
        state.set_status(Tone::Info, "Every marked secret is already being restored");
        return;
    }
    state.mode = Mode::ConfirmMany(Bulk {
        targets,
        typed: String::new(),
        scroll: 0,
    });
}

/// Sends every restore at once; the runtime paces them per source.
fn confirm_many(state: &mut State, targets: Vec<Target>) -> Vec<Effect> {
    if !state.batch.running() {
        state.batch = Batch::default();
    }
    let mut effects = Vec::with_capacity(targets.len());
    for target in targets {
        if state
            .list
            .get(&target.arn)
            .is_none_or(|r| r.restore.on_its_way())
        {
            continue;
        }
        state.list.set_restore(&target.arn, RestoreState::Queued);
        state.in_flight += 1;
        state.batch.total += 1;
        effects.push(Effect::Restore(target));
    }
    state.set_status(Tone::Info, state.batch.summary());
    effects
}

fn confirm_restore(state: &mut State, target: Target) -> Vec<Effect> {
    if let Some(row) = state.list.get(&target.arn) {
        if row.restore.on_its_way() {
            return vec![];
        }
        state.list.set_restore(&target.arn, RestoreState::Restoring);
    }
    state.set_status(Tone::Info, format!("Restoring {}…", target.name));
    state.in_flight += 1;
    vec![Effect::Restore(target)]
}

/// Two sources that reach the same account and region are one: the later
/// one stops listing.
fn on_identified(
    state: &mut State,
    source: SourceId,
    result: Result<Identity, StoreError>,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    match result {
        Ok(identity) => {
            feed.identity = Some(identity);
            feed.identity_error = None;
        }
        // The listing says what is wrong; an endpoint without STS still lists.
        Err(error) => {
            feed.identity_error = Some(error);
            return vec![];
        }
    }
    let feed = &state.feeds[source];
    let same = |f: &Feed| {
        f.account() == feed.account()
            && f.source.region == feed.source.region
            && f.source.endpoint_url == feed.source.endpoint_url
            && f.duplicate_of.is_none()
    };
    let first = state.feeds[..source].iter().position(same);
    if let Some(first) = first {
        let feed = &mut state.feeds[source];
        feed.duplicate_of = Some(first);
        // Its pages, late or not, are dropped from now on.
        feed.load.generation += 1;
        feed.load.loading = false;
        feed.load.scanned = 0;
    }
    vec![]
}

fn on_load_failed(state: &mut State, source: SourceId, generation: u64, error: StoreError) {
    let Some(feed) = state.feeds.get_mut(source) else {
        return;
    };
    if generation != feed.load.generation {
        return;
    }
    feed.load.loading = false;
    // Stopped partway: what was listed is not all there is.
    feed.load.incomplete = feed.load.scanned > 0;
    let quiet = feeds::not_enabled(&error) && state.feeds.len() > 1;
    state.feeds[source].load.error = Some(error.clone());
    if quiet || state.startup_error().is_some() {
        return;
    }
    let text = if state.feeds.len() > 1 {
        let label = &state.feeds[source].source.label;
        format!("Listing {label} failed: {error} (s: sources)")
    } else {
        format!("Listing failed: {error}")
    };
    state.set_status(Tone::Error, text);
    state.status_is_listing_failure = true;
}

fn on_page(state: &mut State, source: SourceId, generation: u64, page: Page) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if generation != feed.load.generation {
        return vec![];
    }
    feed.load.scanned += page.scanned;
    let now = state.now;
    let mut fresh = Vec::with_capacity(page.pending.len());
    for secret in page.pending {
        if state.restored.get(&secret.arn) == Some(&secret.deleted_date) {
            continue;
        }
        // A row listed again keeps what CloudTrail said of the same deletion.
        let known = state.list.get(&secret.arn).filter(|row| {
            row.secret.deleted_date == secret.deleted_date && row.dates.from_cloudtrail()
        });
        let dates = match known {
            Some(row) => row.dates.clone(),
            None => state.feeds[source].trail.date(&secret, now),
        };
        fresh.push((secret, dates));
    }
    state.list.upsert(source, fresh, generation);
    if let Some(token) = page.next_token {
        return vec![Effect::LoadPage {
            source,
            generation,
            token: Some(token),
        }];
    }
    // A dropped row's CloudTrail dates go back to the trail, in case a
    // later listing shows it again.
    for row in state.list.retain_seen(source, generation) {
        if let Some(event) = row.dates.as_event(&row.secret) {
            state.feeds[source].trail.keep(event);
        }
    }
    let list = &state.list;
    let dropped = state.marks.keep_only(|arn| list.get(arn).is_some());
    if dropped > 0 {
        let text = format!("{dropped} marked secret(s) left the listing: their marks are dropped");
        state.set_status(Tone::Info, text);
    }
    let load = &mut state.feeds[source].load;
    load.loading = false;
    load.completed = true;
    load.error = None;
    if state.status_is_listing_failure && state.failing() == 0 {
        state.status = None;
        state.status_is_listing_failure = false;
    }
    look_up_deletions(state, source)
}

/// Asks CloudTrail about every deletion in this source it has not dated yet.
fn look_up_deletions(state: &mut State, source: SourceId) -> Vec<Effect> {
    let undated = state
        .list
        .rows()
        .filter(|r| r.source() == source && !r.dates.from_cloudtrail())
        .map(|r| r.secret.deleted_date);
    let trail = &mut state.feeds[source].trail;
    match trail.start(undated, state.now) {
        Some(query) => vec![Effect::LookupDeletions {
            source,
            generation: trail.generation,
            query,
        }],
        None => vec![],
    }
}

fn on_deletions(
    state: &mut State,
    source: SourceId,
    generation: u64,
    page: EventPage,
) -> Vec<Effect> {
    let Some(feed) = state.feeds.get_mut(source) else {
        return vec![];
    };
    if generation != feed.trail.generation {
        return vec![];
    }
    let (next, events) = feed.trail.page(page);
    let now = state.now;
    let mut changes = Vec::new();
    let mut unnamed = false;
    for event in events {
        let row = event.arn.as_ref().and_then(|arn| state.list.get(arn));
        match row {
            Some(row) if purge::pick_event(&row.secret, now, [&event]).is_some() => {
                let dates = purge::read(row.secret.deleted_date, now, Some(&event));
                changes.push((row.secret.arn.clone(), dates));
            }
            // An earlier deletion of a listed secret will never date it.
            Some(row) if event.event_time < row.secret.deleted_date => {}
            _ => {
                unnamed |= event.arn.is_none();
                state.feeds[source].trail.keep(event);
            }
        }
    }
    if unnamed {
        // An event without an ARN could be any undated row of that name.
        let undated: Vec<PendingSecret> = state
            .list
            .rows()
            .filter(|r| r.source() == source && !r.dates.from_cloudtrail())
            .map(|r| r.secret.clone())
            .collect();
        for secret in undated {
            let dates = state.feeds[source].trail.date(&secret, now);
            changes.push((secret.arn, dates));
        }
    }
    state.list.set_dates(changes);
    match next {
        Some(query) => vec![Effect::LookupDeletions {
            source,
            generation,
            query,
        }],
        None if state.feeds[source].trail.take_again() => look_up_deletions(state, source),
        None => vec![],
    }
}

fn on_restore_finished(state: &mut State, target: Target, result: Result<(), StoreError>) {
    state.in_flight = state.in_flight.saturating_sub(1);
    if state.batch.running() {
        state.batch.record(&result);
        // A failed one stays marked, so `r` retries exactly those.
        match &result {
            Ok(()) => {
                state.marks.remove(&target.arn);
                state.list.remove(&target.arn);
                state.restored.insert(target.arn, target.deleted_date);
            }
            Err(error) if error.kind == ErrorKind::NotFound => {
                state.marks.remove(&target.arn);
                state.list.remove(&target.arn);
            }
            Err(error) => {
                let failed = RestoreState::Failed(Box::new(error.clone()));
                state.list.set_restore(&target.arn, failed);
            }
        }
        let tone = match (state.batch.running(), state.batch.failed.is_empty()) {
            (true, _) => Tone::Info,
            (false, true) => Tone::Success,
            (false, false) => Tone::Error,
        };
        state.set_status(tone, state.batch.summary());
        return;
    }
    state.marks.remove(&target.arn);
    match result {
        Ok(()) => {
            state.list.remove(&target.arn);
            state.set_status(Tone::Success, format!("Restored {}", target.name));
            state.restored.insert(target.arn, target.deleted_date);
        }
        Err(error) if error.kind == ErrorKind::NotFound => {
            state.list.remove(&target.arn);
            let text = format!("{} no longer exists ({error})", target.name);
            state.set_status(Tone::Error, text);
        }
        Err(error) => {
            let text = format!("Restore of {} failed: {error}", target.name);
            state.set_status(Tone::Error, text);
            state
                .list
                .set_restore(&target.arn, RestoreState::Failed(Box::new(error)));
        }
    }
}
