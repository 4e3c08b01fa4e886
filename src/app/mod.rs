//! State, messages, effects and the pure `update` that ties them together.

pub mod list;
mod names;
pub mod trail;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tui_input::{Input, InputRequest};

use crate::layout::{self, Footer};
use crate::purge::{self, Dates};
use crate::store::{Arn, ErrorKind, EventPage, EventQuery, Page, PendingSecret, StoreError};
use list::{RestoreState, SecretList};
use trail::{Phase, Trail};

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
    Quit,
}

/// The secret a restore is about, captured when the key was pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub arn: Arn,
    pub name: String,
    pub deleted_date: Timestamp,
    /// What was known of the deletion when the operator asked.
    pub dates: Dates,
}

impl Target {
    fn of(secret: &PendingSecret, dates: &Dates) -> Self {
        Target {
            arn: secret.arn.clone(),
            // Only for messages.
            name: secret.display_name().to_owned(),
            deleted_date: secret.deleted_date,
            dates: dates.clone(),
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
        generation: u64,
        page: Page,
    },
    LoadFailed {
        generation: u64,
        error: StoreError,
    },
    RestoreFinished {
        target: Target,
        result: Result<(), StoreError>,
    },
    DeletionsLoaded {
        generation: u64,
        page: EventPage,
    },
    DeletionsFailed {
        generation: u64,
        error: StoreError,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadPage {
        generation: u64,
        token: Option<String>,
    },
    Restore(Target),
    /// A CloudTrail `LookupEvents` page; the runtime paces these.
    LookupDeletions {
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
    Help,
    /// The status line in full, when it was cut.
    Message,
}

/// Where the secrets come from, for the header and for advice on errors.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// e.g. "us-east-1 · profile prod", or "demo".
    pub label: String,
    /// The profile a fix should name (`aws sso login --profile X`).
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Load {
    pub generation: u64,
    pub loading: bool,
    /// Entries seen by the current (or last) listing, pending or not.
    pub scanned: usize,
    /// A listing has run to its last page at least once.
    pub completed: bool,
    /// The latest listing failed before its last page: the rows are not
    /// all there is.
    pub incomplete: bool,
    pub error: Option<StoreError>,
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
    source: Source,
    tz: TimeZone,
    now: Timestamp,
    mode: Mode,
    list: SecretList,
    filter: Input,
    load: Load,
    /// CloudTrail's `DeleteSecret` events: exact purge dates and who deleted.
    trail: Trail,
    status: Option<Status>,
    /// Secrets restored this session, with the `DeletedDate` they had, so a
    /// lagging listing cannot put them back.
    restored: HashMap<Arn, Timestamp>,
    size: (u16, u16),
    /// Restore calls sent and not yet answered.
    in_flight: usize,
    /// The status line reports a failed listing, which a good one clears.
    status_is_listing_failure: bool,
}

/// Read access for drawing and tests; only `update` changes the state.
impl State {
    pub fn source(&self) -> &Source {
        &self.source
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
    pub fn load(&self) -> &Load {
        &self.load
    }
    pub fn trail(&self) -> &Trail {
        &self.trail
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
}

impl State {
    pub fn new(source: Source, tz: TimeZone, now: Timestamp) -> Self {
        State {
            source,
            tz,
            now,
            mode: Mode::List,
            list: SecretList::default(),
            filter: Input::default(),
            load: Load::default(),
            trail: Trail::default(),
            status: None,
            restored: HashMap::new(),
            size: (0, 0),
            in_flight: 0,
            status_is_listing_failure: false,
        }
    }

    /// Starts the first listing.
    pub fn start(&mut self) -> Vec<Effect> {
        self.refresh()
    }

    /// Something on screen moves by itself (spinner).
    pub fn animating(&self) -> bool {
        self.load.loading || self.in_flight > 0 || self.trail.reading()
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
        match &self.trail.phase {
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

    /// The listing failed before anything could be shown.
    pub fn startup_error(&self) -> Option<&StoreError> {
        match &self.load.error {
            Some(e) if !self.load.completed && self.list.is_empty() && !self.load.loading => {
                Some(e)
            }
            _ => None,
        }
    }

    fn set_status(&mut self, tone: Tone, text: impl Into<String>) {
        self.status_is_listing_failure = false;
        self.status = Some(Status {
            tone,
            text: text.into(),
        });
    }

    fn refresh(&mut self) -> Vec<Effect> {
        self.load.generation += 1;
        self.load.loading = true;
        self.load.scanned = 0;
        self.load.incomplete = false;
        vec![Effect::LoadPage {
            generation: self.load.generation,
            token: None,
        }]
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
        Msg::PageLoaded { generation, page } => on_page(state, generation, page),
        Msg::LoadFailed { generation, error } => {
            if generation == state.load.generation {
                state.load.loading = false;
                state.load.incomplete = true;
                if !state.list.is_empty() || state.load.completed {
                    state.set_status(Tone::Error, format!("Listing failed: {error}"));
                    state.status_is_listing_failure = true;
                }
                state.load.error = Some(error);
            }
            vec![]
        }
        Msg::RestoreFinished { target, result } => {
            on_restore_finished(state, target, result);
            vec![]
        }
        Msg::DeletionsLoaded { generation, page } => on_deletions(state, generation, page),
        Msg::DeletionsFailed { generation, error } => {
            if generation == state.trail.generation {
                state.trail.failed(error);
            }
            vec![]
        }
    }
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    use Action::*;
    // The startup error screen has its own keys only: nothing is listed
    // under it to filter, move in or restore.
    if state.startup_error().is_some() && !matches!(action, Refresh | Quit) {
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
        Restore => ask_restore(state),
        Confirm => {
            if let Mode::Confirm(target) = std::mem::replace(&mut state.mode, Mode::List) {
                return confirm_restore(state, target);
            }
        }
        Cancel | CloseHelp | CloseMessage => state.mode = Mode::List,
        ShowMessage if state.status.is_some() => state.mode = Mode::Message,
        ShowMessage => {}
        // A second listing beside the first would double the calls against
        // an account-wide quota.
        Refresh if state.load.loading => {
            state.set_status(Tone::Info, "Already listing: R works again when it ends");
        }
        Refresh => return state.refresh(),
        Help => state.mode = Mode::Help,
        Quit => return vec![Effect::Quit],
    }
    vec![]
}

fn ask_restore(state: &mut State) {
    let Some(row) = state.list.selected() else {
        return;
    };
    if row.restore == RestoreState::Restoring {
        let text = format!("{} is already being restored", row.secret.display_name());
        state.set_status(Tone::Info, text);
        return;
    }
    state.mode = Mode::Confirm(Target::of(&row.secret, &row.dates));
}

fn confirm_restore(state: &mut State, target: Target) -> Vec<Effect> {
    if let Some(row) = state.list.get(&target.arn) {
        if row.restore == RestoreState::Restoring {
            return vec![];
        }
        state.list.set_restore(&target.arn, RestoreState::Restoring);
    }
    state.set_status(Tone::Info, format!("Restoring {}…", target.name));
    state.in_flight += 1;
    vec![Effect::Restore(target)]
}

fn on_page(state: &mut State, generation: u64, page: Page) -> Vec<Effect> {
    if generation != state.load.generation {
        return vec![];
    }
    state.load.scanned += page.scanned;
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
            None => state.trail.date(&secret, now),
        };
        fresh.push((secret, dates));
    }
    state.list.upsert(fresh, generation);
    match page.next_token {
        Some(token) => vec![Effect::LoadPage {
            generation,
            token: Some(token),
        }],
        None => {
            // A dropped row's CloudTrail dates go back to the trail, in
            // case a later listing shows it again.
            for row in state.list.retain_seen(generation) {
                if let Some(event) = row.dates.as_event(&row.secret) {
                    state.trail.keep(event);
                }
            }
            state.load.loading = false;
            state.load.completed = true;
            state.load.error = None;
            if state.status_is_listing_failure {
                state.status = None;
                state.status_is_listing_failure = false;
            }
            look_up_deletions(state)
        }
    }
}

/// Asks CloudTrail about every deletion it has not dated yet.
fn look_up_deletions(state: &mut State) -> Vec<Effect> {
    let undated = state
        .list
        .rows()
        .filter(|r| !r.dates.from_cloudtrail())
        .map(|r| r.secret.deleted_date);
    match state.trail.start(undated, state.now) {
        Some(query) => vec![Effect::LookupDeletions {
            generation: state.trail.generation,
            query,
        }],
        None => vec![],
    }
}

fn on_deletions(state: &mut State, generation: u64, page: EventPage) -> Vec<Effect> {
    if generation != state.trail.generation {
        return vec![];
    }
    let (next, events) = state.trail.page(page);
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
                state.trail.keep(event);
            }
        }
    }
    if unnamed {
        // An event without an ARN could be any undated row of that name.
        let undated: Vec<PendingSecret> = state
            .list
            .rows()
            .filter(|r| !r.dates.from_cloudtrail())
            .map(|r| r.secret.clone())
            .collect();
        for secret in undated {
            let dates = state.trail.date(&secret, now);
            changes.push((secret.arn, dates));
        }
    }
    state.list.set_dates(changes);
    match next {
        Some(query) => vec![Effect::LookupDeletions { generation, query }],
        None if state.trail.take_again() => look_up_deletions(state),
        None => vec![],
    }
}

fn on_restore_finished(state: &mut State, target: Target, result: Result<(), StoreError>) {
    state.in_flight = state.in_flight.saturating_sub(1);
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
