//! What flows through `update`: actions from keys, messages in, effects
//! out, the modes, and the secret a restore is about.

use std::time::Duration;

use jiff::Timestamp;
use tui_input::InputRequest;

use super::feeds::{self, SourceId};
use super::marks::Bulk;
use crate::engine::restore::{Outcome, Request};
use crate::purge::Dates;
use crate::store::{
    Arn, Described, EventPage, EventQuery, Identity, Page, PendingSecret, ReadPage, StoreError,
};

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
    /// In the sources pane: only the failing sources, or all again.
    FailingOnly,
    /// The rows still asked for first, or back to soonest purge first.
    AskedFirst,
    /// Everything known of the selected secret.
    ShowDetails,
    CloseDetails,
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
    /// For the audit line: the profile as the screen names it, and the
    /// caller, when known.
    pub profile: String,
    pub principal: Option<String>,
    /// Through an Organization's member role: the role and its caller.
    pub route: Option<(String, String)>,
    /// The bulk restore it is part of; `None` for a single restore.
    pub batch: Option<u64>,
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
            profile: feeds::DEFAULT_PROFILE.to_owned(),
            principal: None,
            route: None,
            batch: None,
        }
    }

    /// What the restore queue needs of it.
    pub fn request(&self) -> Request {
        Request {
            source: self.source,
            arn: self.arn.clone(),
            name: self.name.clone(),
            profile: self.profile.clone(),
            principal: self.principal.clone(),
            route: self.route.clone(),
        }
    }
}

// A message is moved once, from a task to the loop, never stored in bulk:
// its size costs nothing worth an indirection on every restore result.
#[allow(clippy::large_enum_variant)]
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
        outcome: Outcome,
    },
    /// The audit log failed: no restore leaves any more.
    RestoresStopped {
        reason: String,
    },
    /// A frame reached the terminal, `at` this long after the loop started.
    /// `whole`: the confirmation on it (if any) was drawn in full, so it
    /// has been seen from then; if not, it cannot be confirmed.
    Drawn {
        at: Duration,
        whole: bool,
    },
    /// How long the loop has run, by a clock that never jumps: sent before
    /// each key, so a key is judged by when it came.
    Elapsed(Duration),
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
    ReadsLoaded {
        source: SourceId,
        generation: u64,
        page: ReadPage,
    },
    ReadsFailed {
        source: SourceId,
        generation: u64,
        error: StoreError,
    },
    /// `DescribeSecret` answered, for the details pane.
    Described {
        arn: Arn,
        result: Result<Described, StoreError>,
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
    /// A page of CloudTrail's refused reads; paced with the deletions.
    LookupReads {
        source: SourceId,
        generation: u64,
        query: EventQuery,
    },
    /// `DescribeSecret`, for what the listing lacks (the details pane).
    Describe {
        source: SourceId,
        arn: Arn,
    },
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
    /// Everything known of one secret; the pane scrolls.
    Details {
        arn: Arn,
        scroll: usize,
    },
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
