//! The fuzzy filter at the `update` level: which rows a query keeps, and
//! that they keep the table's order, soonest purge first.
#![allow(clippy::unwrap_used)]

mod fixtures;

use fixtures::*;
use reprieve::app::{Action, Msg, State, update};
use reprieve::store::Arn;
use tui_input::InputRequest;

/// Soonest first: the order every match list below must keep.
fn fleet() -> Vec<reprieve::store::PendingSecret> {
    vec![
        secret("staging/orders/postgres-replica", 1.0),
        secret("prod/orders/postgres-primary", 3.0),
        secret("prod/Billing/Stripe-Key", 5.0),
        secret("prod/billing/stripe-webhook", 7.0),
        secret("dev/orders/mysql", 9.0),
        secret("team-東京/ingest/kafka-sasl", 11.0),
        secret("team/café/menu-api", 13.0),
        secret("prod/orders/postgres-primary-old", 15.0),
    ]
}

fn state() -> State {
    let mut state = sized(120, 30);
    listed(&mut state, fleet());
    state
}

/// The rows `query` keeps, typed from an empty filter.
fn kept(query: &str) -> Vec<String> {
    let mut state = state();
    typed(&mut state, query);
    names(&state)
}

fn backspace(state: &mut State, times: usize) {
    for _ in 0..times {
        update(state, Msg::FilterEdit(InputRequest::DeletePrevChar));
    }
}

fn type_more(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, Msg::FilterEdit(InputRequest::InsertChar(c)));
    }
}

#[test]
fn a_dropped_letter_still_finds_the_secret_and_rows_stay_soonest_first() {
    assert_eq!(
        kept("pstgres"),
        [
            "staging/orders/postgres-replica",
            "prod/orders/postgres-primary",
            "prod/orders/postgres-primary-old",
        ]
    );
    assert_eq!(
        kept("prdpstgres"),
        [
            "prod/orders/postgres-primary",
            "prod/orders/postgres-primary-old"
        ],
        "a better-scoring match lower down does not move up"
    );
    assert_eq!(kept("sergtsop"), Vec::<String>::new(), "letters in order");
}

#[test]
fn lower_case_ignores_case_and_an_upper_case_letter_makes_it_exact() {
    assert_eq!(
        kept("stripe"),
        ["prod/Billing/Stripe-Key", "prod/billing/stripe-webhook"]
    );
    assert_eq!(kept("Stripe"), ["prod/Billing/Stripe-Key"]);
    assert_eq!(kept("BILLING"), Vec::<String>::new());
}

#[test]
fn a_quoted_word_is_a_substring_and_every_word_must_match() {
    assert_eq!(
        kept("'orders/postgres-p"),
        [
            "prod/orders/postgres-primary",
            "prod/orders/postgres-primary-old"
        ]
    );
    assert_eq!(kept("'pstgres"), Vec::<String>::new(), "exact, not fuzzy");
    assert_eq!(
        kept("ordr mysql"),
        ["dev/orders/mysql"],
        "two words, both fuzzy"
    );
    assert_eq!(
        kept("postgres !old"),
        [
            "staging/orders/postgres-replica",
            "prod/orders/postgres-primary",
        ]
    );
    assert_eq!(kept("^prod old$"), ["prod/orders/postgres-primary-old"]);
}

#[test]
fn at_words_keep_to_a_region_or_account_alongside_fuzzy_words() {
    let mut secrets = fleet();
    let elsewhere = secrets.len();
    let mut eu = secret("prod/orders/postgres-eu", 2.0);
    eu.arn = Arn::new(
        "arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/orders/postgres-eu-AbCdEf",
    );
    secrets.push(eu);
    let mut state = sized(120, 30);
    listed(&mut state, secrets);
    assert_eq!(state.list().visible_len(), elsewhere + 1);

    typed(&mut state, "pstgrs @eu");
    assert_eq!(names(&state), ["prod/orders/postgres-eu"]);
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "@4444");
    assert_eq!(names(&state), ["prod/orders/postgres-eu"]);
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "pstgrs @us-east-1");
    assert_eq!(
        names(&state),
        [
            "staging/orders/postgres-replica",
            "prod/orders/postgres-primary",
            "prod/orders/postgres-primary-old",
        ]
    );
}

#[test]
fn unicode_and_wide_names_match_by_character() {
    assert_eq!(kept("東京"), ["team-東京/ingest/kafka-sasl"]);
    assert_eq!(kept("東kfk"), ["team-東京/ingest/kafka-sasl"]);
    assert_eq!(kept("cafe"), ["team/café/menu-api"], "accents fold");
    assert_eq!(kept("café"), ["team/café/menu-api"]);
}

#[test]
fn extending_narrows_and_backspace_gives_back_exactly_what_was_there() {
    let mut state = state();
    typed(&mut state, "p");
    let after_p = names(&state);
    type_more(&mut state, "st");
    let after_pst = names(&state);
    type_more(&mut state, "gres");
    assert_eq!(names(&state).len(), 3);
    assert!(after_pst.len() >= 3 && after_p.len() >= after_pst.len());

    backspace(&mut state, 4);
    assert_eq!(names(&state), after_pst, "a pop, the same rows");
    backspace(&mut state, 2);
    assert_eq!(names(&state), after_p);
    backspace(&mut state, 1);
    assert_eq!(state.list().visible_len(), fleet().len());
}

#[test]
fn a_changed_query_and_a_longer_exclusion_are_searched_afresh() {
    let mut state = state();
    typed(&mut state, "stripe");
    assert_eq!(names(&state).len(), 2);
    // Changing a letter in the middle is a new query, not a narrowing.
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "mysql");
    assert_eq!(names(&state), ["dev/orders/mysql"]);

    // `!ord` hides every name with "ord" in it; a longer exclusion hides
    // fewer, so it must not search only the last matches.
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "prod !ord");
    assert_eq!(
        names(&state),
        ["prod/Billing/Stripe-Key", "prod/billing/stripe-webhook"]
    );
    type_more(&mut state, "ers/postgres-primary-");
    assert_eq!(
        names(&state),
        [
            "prod/orders/postgres-primary",
            "prod/Billing/Stripe-Key",
            "prod/billing/stripe-webhook",
        ]
    );
    // Lengthening an exact word does narrow.
    act(&mut state, Action::ClearFilter);
    typed(&mut state, "'orders");
    assert_eq!(names(&state).len(), 4);
    type_more(&mut state, "/p");
    assert_eq!(names(&state).len(), 3);
}

#[test]
fn equal_names_and_equal_scores_keep_their_purge_order() {
    let mut state = sized(120, 30);
    let twins: Vec<_> = (0..6)
        .map(|i| {
            let mut s = secret("prod/db", f64::from(i) + 1.0);
            s.arn = Arn::new(format!(
                "arn:aws:secretsmanager:us-east-1:11112222333{i}:secret:prod/db-AbCdEf"
            ));
            s
        })
        .collect();
    let order: Vec<String> = twins.iter().map(|s| s.arn.to_string()).collect();
    listed(&mut state, twins);
    typed(&mut state, "pdb");
    let arns: Vec<String> = state
        .list()
        .visible_rows()
        .map(|r| r.secret.arn.to_string())
        .collect();
    assert_eq!(arns, order);
}
