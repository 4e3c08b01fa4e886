//! The pane's lines: accounts by name, each heading its sources in the
//! order they came; a failure's message and fix under the first source of
//! the account that had it.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::advice;
use crate::app::{Feed, FeedState, SourceId, State};
use crate::layout::SourcesPane as Room;
use crate::text::{display_width, wrap_cut};

/// The heading of sources whose account STS never named.
pub const UNKNOWN_ACCOUNT: &str = "account unknown";

/// The Account column is as wide as the longest name shown, within these.
const ACCOUNT_WIDTH: (usize, usize) = (7, 24);
const PROFILE_WIDTH: (usize, usize) = (7, 16);
/// "ap-southeast-7".
const REGION_WIDTH: usize = 14;
const ERROR_LINES: usize = 3;
const FIX_LINES: usize = 6;
/// Callers named under a heading; more are counted.
const IDENTITIES: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub account: usize,
    /// Only when the sources use more than one profile.
    pub profile: Option<usize>,
    pub region: usize,
}

impl Columns {
    /// Where a source's region starts, and the lines under it.
    pub fn indent(&self) -> usize {
        self.account + 1 + self.profile.map_or(0, |p| p + 1)
    }
}

#[derive(Debug)]
pub struct PaneLine<'a> {
    /// Its account's heading, by index into the lines.
    pub heading: usize,
    pub kind: LineKind<'a>,
}

#[derive(Debug)]
pub enum LineKind<'a> {
    /// An account: its name (or id), the id beside a name, and counts over
    /// all its sources, shown or not.
    Account {
        label: &'a str,
        id: Option<&'a str>,
        sources: usize,
        regions: usize,
        failing: usize,
    },
    /// Who its sources are, without partition and account:
    /// `assumed-role/Role/session`.
    Identity(&'a str),
    /// Callers beyond those named.
    MoreIdentities(usize),
    Source {
        id: SourceId,
        state: FeedState,
        scheduled: usize,
        /// It failed as an earlier source of the account did, under which
        /// the message and fix stand.
        same_as: Option<SourceId>,
    },
    /// A line of a failure's message, or of its fix.
    Error(String),
    Fix(String),
}

/// The lines, their columns, and how many sources they show.
pub(super) fn lay_out<'a>(
    state: &'a State,
    failing_only: bool,
    room: Room,
) -> (Vec<PaneLine<'a>>, Columns, usize) {
    let feeds = state.feeds();
    let mut states: Vec<Option<FeedState>> = state.feed_states().into_iter().map(Some).collect();
    let failed: Vec<bool> = states
        .iter()
        .map(|s| matches!(s, Some(FeedState::Failed(_))))
        .collect();
    let scheduled = state.rows_by_source();
    // A profile is one set of credentials, so one account in every region:
    // one that STS could not answer in (a region not enabled) is still it.
    let mut by_profile: HashMap<(&str, Option<&str>), &str> = HashMap::new();
    for feed in feeds.iter().filter(|f| f.source.org.is_none()) {
        if let Some(account) = feed.account() {
            by_profile.entry(credentials(feed)).or_insert(account);
        }
    }
    let mut by_account: HashMap<Option<&str>, Vec<SourceId>> = HashMap::new();
    for (id, feed) in feeds.iter().enumerate() {
        let account = feed.known_account().or_else(|| match feed.source.org {
            None => by_profile.get(&credentials(feed)).copied(),
            Some(_) => None,
        });
        by_account.entry(account).or_default().push(id);
    }
    let name =
        |account: Option<&'a str>| account.map_or(UNKNOWN_ACCOUNT, |a| state.account_label(a));
    let mut groups: Vec<(Option<&str>, Vec<SourceId>)> = by_account.into_iter().collect();
    // By name, whatever its case; the unnamed last.
    groups.sort_by_cached_key(|(a, _)| (a.is_none(), name(*a).to_lowercase(), *a));
    let failing: Vec<usize> = groups
        .iter()
        .map(|(_, ids)| ids.iter().filter(|&&id| failed[id]).count())
        .collect();
    let shows = |id: &SourceId| !failing_only || failed[*id];
    let shown_groups = || {
        groups
            .iter()
            .zip(&failing)
            .filter(|(_, n)| !failing_only || **n > 0)
    };

    let widest = |widths: &mut dyn Iterator<Item = usize>, (min, max): (usize, usize)| {
        widths.max().unwrap_or(0).clamp(min, max)
    };
    let first_profile = feeds.first().map(|f| f.source.profile_name());
    let profiles = feeds
        .iter()
        .any(|f| Some(f.source.profile_name()) != first_profile);
    let columns = Columns {
        account: widest(
            &mut shown_groups().map(|((a, _), _)| display_width(name(*a))),
            ACCOUNT_WIDTH,
        ),
        profile: profiles.then(|| {
            widest(
                &mut shown_groups()
                    .flat_map(|((_, ids), _)| ids.iter().filter(|id| shows(id)))
                    .map(|&id| display_width(feeds[id].source.profile_name())),
                PROFILE_WIDTH,
            )
        }),
        region: REGION_WIDTH,
    };
    let width = room.text.saturating_sub(columns.indent()).max(8);

    // With one source the header already says who it is.
    let callers = feeds.len() > 1;
    let mut lines = Vec::new();
    let mut shown = 0;
    for ((account, ids), &failing) in shown_groups() {
        let heading = lines.len();
        let label = name(*account);
        let regions: HashSet<_> = ids.iter().map(|&id| &feeds[id].source.region).collect();
        let push = |lines: &mut Vec<PaneLine<'a>>, kind: LineKind<'a>| {
            lines.push(PaneLine { heading, kind })
        };
        push(
            &mut lines,
            LineKind::Account {
                label,
                id: account.filter(|a| *a != label),
                sources: ids.len(),
                regions: regions.len(),
                failing,
            },
        );
        if callers {
            let mut seen = HashSet::new();
            let who: Vec<&str> = ids
                .iter()
                .filter(|id| shows(id))
                .filter_map(|&id| feeds[id].identity.as_ref())
                .map(|i| short_arn(&i.arn))
                .filter(|w| seen.insert(*w))
                .collect();
            for w in who.iter().take(IDENTITIES) {
                push(&mut lines, LineKind::Identity(w));
            }
            if who.len() > IDENTITIES {
                push(&mut lines, LineKind::MoreIdentities(who.len() - IDENTITIES));
            }
        }
        // The same failure in every region of an account is said once.
        let mut said: HashMap<(String, String), SourceId> = HashMap::new();
        for &id in ids.iter().filter(|id| shows(id)) {
            shown += 1;
            let Some(feed_state) = states[id].take() else {
                continue;
            };
            let mut details = None;
            let mut same_as = None;
            if let FeedState::Failed(e) = &feed_state {
                let said = said.entry((e.to_string(), advice::fix(e, &feeds[id].source)));
                match said {
                    Entry::Occupied(first) => same_as = Some(*first.get()),
                    Entry::Vacant(entry) => {
                        let (text, fix) = entry.key();
                        details = Some((
                            wrap_cut(text, width, ERROR_LINES),
                            wrap_cut(&format!("Fix: {fix}"), width, FIX_LINES),
                        ));
                        entry.insert(id);
                    }
                }
            }
            push(
                &mut lines,
                LineKind::Source {
                    id,
                    state: feed_state,
                    scheduled: scheduled.get(id).copied().unwrap_or(0),
                    same_as,
                },
            );
            if let Some((errors, fixes)) = details {
                for line in errors {
                    push(&mut lines, LineKind::Error(line));
                }
                for line in fixes {
                    push(&mut lines, LineKind::Fix(line));
                }
            }
        }
    }
    (lines, columns, shown)
}

fn credentials(feed: &Feed) -> (&str, Option<&str>) {
    (
        feed.source.profile_name(),
        feed.source.endpoint_url.as_deref(),
    )
}

/// "assumed-role/Role/session", without the partition and account.
fn short_arn(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}
