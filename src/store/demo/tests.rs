//! The demo stores behave as Secrets Manager and CloudTrail do.
use std::collections::HashMap;

use super::seed::Seed;
use super::*;
use crate::purge::{self, Purge};

const NOW: &str = "2026-11-29T12:00:00Z";
const FRESH: &str = "prod/search/algolia-admin-key";
const TWICE: &str = "prod/ci/github-app-private-key";
const UNDATED: &str = "prod/analytics/snowflake-svc";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn store() -> DemoStore {
    DemoStore::seeded(now(), Duration::ZERO).unwrap()
}

fn seed() -> Seed {
    serde_json::from_str(SEED).unwrap()
}

fn list_all(store: &DemoStore) -> (Vec<PendingSecret>, usize, usize) {
    let (mut pending, mut scanned, mut pages, mut token) = (vec![], 0, 0, None);
    loop {
        let page = store.page_at(token).unwrap();
        pending.extend(page.pending);
        scanned += page.scanned;
        pages += 1;
        token = page.next_token;
        if token.is_none() {
            return (pending, scanned, pages);
        }
    }
}

/// Every event from `start` to now, page by page, and the page count.
fn events_since(store: &DemoStore, start: Timestamp) -> (Vec<DeletionEvent>, usize) {
    let (mut events, mut pages, mut token) = (vec![], 0, None);
    loop {
        let query = EventQuery {
            start,
            end: None,
            token,
        };
        let page = store.events_at(query, now()).unwrap();
        assert!(page.events.len() <= EVENT_PAGE_SIZE);
        events.extend(page.events);
        pages += 1;
        token = page.next_token;
        if token.is_none() {
            return (events, pages);
        }
    }
}

fn all_events(store: &DemoStore) -> Vec<DeletionEvent> {
    events_since(store, now() - SignedDuration::from_hours(90 * 24)).0
}

#[test]
fn seed_covers_every_state_the_ui_can_show() {
    let store = store();
    let (pending, scanned, pages) = list_all(&store);
    assert_eq!(pending.len(), 44);
    assert!(pages > 1, "the demo should page");
    assert!(scanned > pending.len());
    assert!(
        pending.iter().all(|s| s.deleted_date < now()),
        "DeletedDate is when DeleteSecret was called"
    );
    let events = all_events(&store);
    let hours = |s: &PendingSecret| {
        let event = purge::pick_event(s, now(), &events);
        let purge = purge::read(s.deleted_date, now(), event).purge;
        purge.earliest().duration_since(now()).as_hours()
    };
    assert!(pending.iter().any(|s| hours(s) < 0), "something overdue");
    assert!(pending.iter().any(|s| (0..24).contains(&hours(s))));
    assert!(pending.iter().any(|s| (24..72).contains(&hours(s))));
    assert!(pending.iter().all(|s| hours(s) <= 30 * 24));
}

#[test]
fn every_deletion_but_the_freshest_has_its_event_with_the_purge_date() {
    let store = store();
    let (pending, ..) = list_all(&store);
    let events = all_events(&store);
    for s in &seed().pending {
        let secret = pending.iter().find(|p| p.name == s.name).unwrap();
        let event = purge::pick_event(secret, now(), &events);
        if s.name == FRESH {
            assert_eq!(event, None, "CloudTrail has not delivered it yet");
            assert_eq!(
                secret.deleted_date,
                now() - SignedDuration::from_mins(1),
                "deleted a minute ago"
            );
            assert!(
                purge::read(secret.deleted_date, now(), None)
                    .purge
                    .is_window()
            );
            continue;
        }
        let event = event.unwrap_or_else(|| panic!("no event for {}", s.name));
        let after = event.event_time.duration_since(secret.deleted_date);
        assert!(after >= SignedDuration::ZERO && after < SignedDuration::from_secs(1));
        let due = now() + SignedDuration::from_mins((s.due_in_hours * 60.0).round() as i64);
        match event.deletion_date {
            Some(date) => {
                let window = date.duration_since(secret.deleted_date).as_hours();
                assert!((7 * 24..=30 * 24).contains(&window), "{}", s.name);
                assert_eq!(date, due, "{}", s.name);
                assert_eq!(
                    event.recovery_window_days,
                    (s.window_days != 30).then_some(s.window_days),
                    "AWS leaves the default window out"
                );
            }
            None => {
                assert_eq!(s.name, UNDATED);
                assert_eq!(event.recovery_window_days, Some(s.window_days));
            }
        }
        let dates = purge::read(secret.deleted_date, now(), Some(event));
        assert_eq!(dates.purge, Purge::Exact(due), "{}", s.name);
        assert!(dates.from_cloudtrail());
    }
}

#[test]
fn several_principals_delete_secrets() {
    let events = all_events(&store());
    let mut by: HashMap<String, usize> = HashMap::new();
    for e in &events {
        *by.entry(e.principal.short.clone().unwrap()).or_default() += 1;
        assert!(e.principal.kind.is_some() && e.principal.arn.is_some());
        assert!(e.source_ip.is_some() && e.user_agent.is_some());
        assert!(!e.forced);
    }
    assert_eq!(by.len(), 4, "{by:?}");
    assert!(by.values().all(|&n| n >= 3), "{by:?}");
    assert!(by.contains_key("alice@example.com") && by.contains_key("root"));
}

#[test]
fn events_page_newest_first_within_the_range_asked() {
    let store = store();
    let (events, pages) = events_since(&store, now() - SignedDuration::from_hours(90 * 24));
    assert!(pages > 1, "the events should page");
    assert!(events.windows(2).all(|w| w[0].event_time > w[1].event_time));
    let start = now() - SignedDuration::from_hours(72);
    let (recent, _) = events_since(&store, start);
    assert!(!recent.is_empty() && recent.len() < events.len());
    assert!(recent.iter().all(|e| e.event_time >= start));
    assert_eq!(
        recent.len(),
        events.iter().filter(|e| e.event_time >= start).count()
    );
    // An end bound leaves out what came later.
    let end = now() - SignedDuration::from_hours(24 * 10);
    let query = EventQuery {
        start: now() - SignedDuration::from_hours(90 * 24),
        end: Some(end),
        token: None,
    };
    let page = store.events_at(query, now()).unwrap();
    assert!(!page.events.is_empty());
    assert!(page.events.iter().all(|e| e.event_time <= end));
    // Tokens are the store's own.
    let query = EventQuery {
        start,
        end: None,
        token: Some("not-a-token".into()),
    };
    let err = store.events_at(query, now()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidRequest);
}

#[test]
fn a_secret_deleted_twice_has_two_events_and_the_current_one_counts() {
    let store = store();
    let (pending, ..) = list_all(&store);
    let events = all_events(&store);
    let secret = pending.iter().find(|s| s.name == TWICE).unwrap();
    let mine: Vec<&DeletionEvent> = events
        .iter()
        .filter(|e| e.arn.as_ref() == Some(&secret.arn))
        .collect();
    assert_eq!(mine.len(), 2);
    let picked = purge::pick_event(secret, now(), mine.iter().copied()).unwrap();
    assert!(std::ptr::eq(picked, mine[0]), "the newer one");
    assert_ne!(mine[0].deletion_date, mine[1].deletion_date);
    assert!(mine[1].event_time < secret.deleted_date);
}

#[test]
fn restore_removes_a_secret_from_the_pending_list_but_not_its_events() {
    let store = store();
    let (pending, ..) = list_all(&store);
    let before = all_events(&store);
    let target = pending
        .iter()
        .find(|s| s.name == "prod/orders/postgres-primary")
        .unwrap();
    store.restore_now(&target.arn).unwrap();
    let (after, ..) = list_all(&store);
    assert_eq!(after.len(), pending.len() - 1);
    assert!(after.iter().all(|s| s.arn != target.arn));
    assert_eq!(all_events(&store), before, "CloudTrail keeps its history");
}

#[test]
fn one_secret_refuses_with_access_denied_and_unknown_arns_are_not_found() {
    let store = store();
    let (pending, ..) = list_all(&store);
    let denied = pending
        .iter()
        .find(|s| s.name == "prod/identity/okta-scim-token")
        .unwrap();
    let err = store.restore_now(&denied.arn).unwrap_err();
    assert_eq!(err.kind, ErrorKind::AccessDenied);
    assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
    let err = store
        .restore_now(&Arn::new("arn:aws:secretsmanager:eu-west-1:1:secret:gone"))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

/// A store's pending secrets and events, through the trait.
async fn listing(store: &dyn SecretStore) -> (Vec<PendingSecret>, Vec<DeletionEvent>) {
    let (mut pending, mut token) = (vec![], None);
    loop {
        let page = store.list_page(token).await.unwrap();
        pending.extend(page.pending);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let (mut events, mut token) = (vec![], None);
    loop {
        let query = EventQuery {
            start: now() - SignedDuration::from_hours(90 * 24),
            end: Some(now()),
            token,
        };
        let page = store.deletion_events(query).await.unwrap();
        events.extend(page.events);
        token = page.next_token;
        if token.is_none() {
            return (pending, events);
        }
    }
}

fn sources() -> Vec<DemoSource> {
    DemoStore::sources(now(), Duration::ZERO).unwrap()
}

#[test]
fn sources_are_three_regions_in_two_accounts_and_two_broken_ones() {
    let names: Vec<(String, String)> = sources()
        .into_iter()
        .map(|s| (s.profile, s.region))
        .collect();
    let expected = [
        ("prod", "eu-west-1"),
        ("prod", "us-east-1"),
        ("prod", "ap-south-2"),
        ("staging", "eu-west-1"),
        ("sandbox", "eu-west-1"),
    ];
    assert_eq!(names, expected.map(|(p, r)| (p.into(), r.into())));
}

#[tokio::test]
async fn healthy_sources_list_their_own_secrets_with_their_events() {
    let sources = sources();
    let mut names_by_account: HashMap<&str, Vec<String>> = HashMap::new();
    for (i, account, count) in [
        (0, "123456789012", 44),
        (1, "123456789012", 6),
        (3, "210987654321", 8),
    ] {
        let source = &sources[i];
        let store = source.store.as_ref();
        let identity = store.identity().await.unwrap();
        assert_eq!(identity.account, account);
        assert!(
            identity
                .arn
                .starts_with(&format!("arn:aws:sts::{account}:"))
        );
        let (pending, events) = listing(store).await;
        assert_eq!(pending.len(), count, "{}", source.region);
        let prefix = format!("arn:aws:secretsmanager:{}:{account}:secret:", source.region);
        assert!(pending.iter().all(|s| s.arn.as_str().starts_with(&prefix)));
        assert!(pending.iter().all(|s| s.deleted_date < now()));
        for e in &events {
            assert!(e.principal.arn.as_ref().unwrap().contains(account));
        }
        let due_hours: Vec<i64> = pending
            .iter()
            .filter(|s| s.name != FRESH)
            .map(|s| {
                let event = purge::pick_event(s, now(), &events);
                let event = event.unwrap_or_else(|| panic!("no event for {}", s.name));
                let purge = purge::read(s.deleted_date, now(), Some(event)).purge;
                purge.earliest().duration_since(now()).as_hours()
            })
            .collect();
        assert!(due_hours.iter().any(|h| (0..24).contains(h)), "{i}");
        names_by_account
            .entry(account)
            .or_default()
            .extend(pending.into_iter().map(|s| s.name));
    }
    assert_eq!(
        sources[3].store.identity().await.unwrap().arn,
        "arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_StagingAdmin_9a2b/bob@example.com"
    );
    let shared = "shared/datadog-api-key";
    assert!(
        names_by_account
            .values()
            .all(|n| n.iter().any(|n| n == shared))
    );
}

#[tokio::test]
async fn broken_sources_fail_every_call() {
    let sources = sources();
    let arn = Arn::new("arn:aws:secretsmanager:eu-west-1:1:secret:any");
    for (i, kind, code, identity_code) in [
        (
            2,
            ErrorKind::InvalidCredentials,
            Some("UnrecognizedClientException"),
            Some("InvalidClientTokenId"),
        ),
        (4, ErrorKind::ExpiredCredentials, None, None),
    ] {
        let store = sources[i].store.as_ref();
        let query = EventQuery {
            start: now(),
            end: None,
            token: None,
        };
        let errors = [
            store.list_page(None).await.unwrap_err(),
            store.deletion_events(query).await.unwrap_err(),
            store.restore(arn.clone()).await.unwrap_err(),
        ];
        for err in errors {
            assert_eq!((err.kind, err.code.as_deref()), (kind, code), "{i}");
        }
        let err = store.identity().await.unwrap_err();
        assert_eq!((err.kind, err.code.as_deref()), (kind, identity_code));
    }
    let err = sources[2].store.list_page(None).await.unwrap_err();
    assert_eq!(
        err.message,
        "The security token included in the request is invalid."
    );
    let err = sources[4].store.identity().await.unwrap_err();
    assert!(err.message.contains("aws sso login --profile sandbox"));
}

#[tokio::test]
async fn cloudtrail_answers_slower_than_secrets_manager() {
    let latency = Duration::from_millis(20);
    let store = DemoStore::seeded(Timestamp::now(), latency).unwrap();
    let started = std::time::Instant::now();
    let query = EventQuery {
        start: Timestamp::now() - SignedDuration::from_hours(90 * 24),
        end: None,
        token: None,
    };
    let page = store.deletion_events(query).await.unwrap();
    assert_eq!(page.events.len(), EVENT_PAGE_SIZE, "a full first page");
    assert!(started.elapsed() >= latency * 3);
}
