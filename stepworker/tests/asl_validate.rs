//! `validate()` (and so `build()`) reports each broken definition with a
//! typed error naming the state at fault.

use stepworker::asl::{
    Branch, Catch, Choice, Fail, Map, Parallel, Pass, QueryLanguage, Retry, Rule, Scope,
    StateMachine, StateMachineBuilder, Succeed, Task, ValidationError,
};

fn errors(builder: StateMachineBuilder) -> Vec<ValidationError> {
    match builder.build() {
        Ok(machine) => panic!("expected errors, built {}", machine.to_json()),
        Err(invalid) => invalid.into_errors(),
    }
}

fn valid_start() -> StateMachineBuilder {
    StateMachine::builder().start_at("Start")
}

#[test]
fn a_correct_definition_builds() {
    let built = valid_start()
        .state("Start", Pass::new().next("Route"))
        .state(
            "Route",
            Choice::new()
                .when(Rule::is_present("$.x", true), "Work")
                .otherwise("Fail"),
        )
        .state(
            "Work",
            Task::activity_named("work").catch(Catch::all("Fail")).end(),
        )
        .state("Fail", Fail::new().error("Nope"))
        .build();
    assert!(built.is_ok(), "{built:?}");
}

#[test]
fn missing_start_at() {
    let found = errors(StateMachine::builder().state("Only", Succeed::new()));
    assert_eq!(
        found,
        [ValidationError::MissingStartAt {
            scope: Scope::StateMachine
        }]
    );
}

#[test]
fn unknown_start_at() {
    let found = errors(
        StateMachine::builder()
            .start_at("Nowhere")
            .state("Only", Succeed::new()),
    );
    assert_eq!(
        found,
        [ValidationError::UnknownStartAt {
            scope: Scope::StateMachine,
            start_at: "Nowhere".into()
        }]
    );
}

#[test]
fn no_states() {
    let found = errors(StateMachine::builder().start_at("Start"));
    assert!(found.contains(&ValidationError::NoStates {
        scope: Scope::StateMachine
    }));
}

#[test]
fn unknown_next_default_choice_and_catch_targets() {
    let found = errors(
        valid_start()
            .state(
                "Start",
                Task::activity_named("work")
                    .catch(Catch::all("Handler"))
                    .next("Missing1"),
            )
            .state(
                "Handler",
                Choice::new()
                    .when(Rule::string_equals("$.a", "b"), "Missing2")
                    .otherwise("Missing3"),
            ),
    );
    let target = |state: &str, field, target: &str| ValidationError::UnknownTarget {
        state: state.into(),
        field,
        target: target.into(),
        scope: Scope::StateMachine,
    };
    assert_eq!(
        found,
        [
            target("Start", "Next", "Missing1"),
            target("Handler", "Choices", "Missing2"),
            target("Handler", "Default", "Missing3"),
        ]
    );

    let found = errors(valid_start().state(
        "Start",
        Task::activity_named("work").catch(Catch::all("Gone")).end(),
    ));
    assert_eq!(found, [target("Start", "Catch", "Gone")]);
}

#[test]
fn unreachable_states() {
    let found = errors(
        valid_start()
            .state("Start", Pass::new().end())
            .state("Orphan", Pass::new().next("Start"))
            .state("AlsoOrphan", Succeed::new()),
    );
    assert_eq!(
        found,
        [
            ValidationError::Unreachable {
                state: "Orphan".into(),
                scope: Scope::StateMachine
            },
            ValidationError::Unreachable {
                state: "AlsoOrphan".into(),
                scope: Scope::StateMachine
            },
        ]
    );
}

#[test]
fn states_reached_only_through_choice_default_or_catch_are_reachable() {
    let built = valid_start()
        .state(
            "Start",
            Choice::new()
                .when(Rule::boolean_equals("$.ok", true), "Work")
                .otherwise("Other"),
        )
        .state(
            "Work",
            Task::activity_named("work")
                .catch(Catch::all("Recover"))
                .end(),
        )
        .state("Other", Succeed::new())
        .state("Recover", Succeed::new())
        .build();
    assert!(built.is_ok(), "{built:?}");
}

#[test]
fn states_without_next_or_end() {
    let found = errors(
        valid_start()
            .state("Start", Task::activity_named("work"))
            .state("Pass", Pass::new())
            .state("Wait", stepworker::asl::Wait::seconds(1))
            .state(
                "Par",
                Parallel::new().branch(Branch::new().start_at("B").state("B", Succeed::new())),
            )
            .state(
                "Map",
                Map::new(Branch::new().start_at("M").state("M", Succeed::new())),
            ),
    );
    for state in ["Start", "Pass", "Wait", "Par", "Map"] {
        assert!(
            found.contains(&ValidationError::MissingTransition {
                state: state.into()
            }),
            "{state}: {found:?}"
        );
    }
}

#[test]
fn terminal_states_need_no_transition() {
    let built = valid_start()
        .state(
            "Start",
            Choice::new()
                .when(Rule::is_null("$.x", true), "Ok")
                .otherwise("Bad"),
        )
        .state("Ok", Succeed::new())
        .state("Bad", Fail::new())
        .build();
    assert!(built.is_ok(), "{built:?}");
}

#[test]
fn duplicate_names_including_nested_ones() {
    let found = errors(
        valid_start()
            .state("Start", Pass::new().next("Par"))
            .state("Start", Pass::new().next("Par"))
            .state(
                "Par",
                Parallel::new()
                    .branch(
                        Branch::new()
                            .start_at("Start")
                            .state("Start", Succeed::new()),
                    )
                    .end(),
            ),
    );
    assert_eq!(
        found
            .iter()
            .filter(|e| **e
                == ValidationError::DuplicateName {
                    state: "Start".into()
                })
            .count(),
        2,
        "{found:?}"
    );
}

#[test]
fn choice_without_rules() {
    let found = errors(
        valid_start()
            .state("Start", Choice::new().otherwise("End"))
            .state("End", Succeed::new()),
    );
    assert_eq!(
        found,
        [ValidationError::EmptyChoice {
            state: "Start".into()
        }]
    );
}

#[test]
fn empty_and_or_rules() {
    let found = errors(
        valid_start()
            .state("Start", Choice::new().when(Rule::not(Rule::or([])), "End"))
            .state("End", Succeed::new()),
    );
    assert_eq!(
        found,
        [ValidationError::EmptyRuleList {
            state: "Start".into()
        }]
    );
}

#[test]
fn names_longer_than_80_characters() {
    let long = "é".repeat(81);
    let fine = "é".repeat(80);
    let found = errors(
        valid_start()
            .state("Start", Pass::new().next(fine.as_str()))
            .state(fine.as_str(), Pass::new().next(long.as_str()))
            .state(long.as_str(), Succeed::new()),
    );
    assert_eq!(
        found,
        [ValidationError::NameTooLong {
            state: long,
            length: 81
        }]
    );
}

#[test]
fn empty_names() {
    let found = errors(
        valid_start()
            .state("Start", Pass::new().next(""))
            .state("", Succeed::new()),
    );
    assert_eq!(
        found,
        [ValidationError::EmptyName {
            scope: Scope::StateMachine
        }]
    );
}

#[test]
fn nested_parallel_branches_are_validated() {
    let found = errors(
        valid_start()
            .state(
                "Start",
                Parallel::new()
                    .branch(Branch::new().start_at("A").state("A", Succeed::new()))
                    .branch(
                        Branch::new()
                            .start_at("B")
                            .state("B", Pass::new().next("Outside"))
                            .state("Lost", Succeed::new()),
                    )
                    .branch(Branch::new().state("C", Succeed::new()))
                    .next("Outside"),
            )
            .state("Outside", Succeed::new()),
    );
    let branch = |index| Scope::Branch {
        parallel: "Start".into(),
        index,
    };
    assert_eq!(
        found,
        [
            // A branch cannot transition to a state outside it.
            ValidationError::UnknownTarget {
                state: "B".into(),
                field: "Next",
                target: "Outside".into(),
                scope: branch(1)
            },
            ValidationError::Unreachable {
                state: "Lost".into(),
                scope: branch(1)
            },
            ValidationError::MissingStartAt { scope: branch(2) },
        ]
    );
}

#[test]
fn parallel_without_branches() {
    let found = errors(valid_start().state("Start", Parallel::new().end()));
    assert_eq!(
        found,
        [ValidationError::NoBranches {
            state: "Start".into()
        }]
    );
}

#[test]
fn map_processors_are_validated_recursively() {
    let inner_map = Map::new(
        Branch::new()
            .start_at("Deep")
            .state("Deep", Task::activity_named("deep")),
    )
    .end();
    let found = errors(
        valid_start().state(
            "Start",
            Map::new(
                Branch::new()
                    .start_at("Inner")
                    .state("Inner", inner_map)
                    .state("Stray", Succeed::new()),
            )
            .end(),
        ),
    );
    assert_eq!(
        found,
        [
            ValidationError::Unreachable {
                state: "Stray".into(),
                scope: Scope::ItemProcessor {
                    map: "Start".into()
                }
            },
            ValidationError::MissingTransition {
                state: "Deep".into()
            },
        ]
    );
}

#[test]
fn states_all_must_stand_alone_in_the_last_retrier_and_catcher() {
    let found = errors(
        valid_start()
            .state(
                "Start",
                Task::activity_named("work")
                    .retry(Retry::all())
                    .retry(Retry::on(["States.Timeout"]))
                    .catch(Catch::on(["States.ALL", "Other"], "End"))
                    .next("End"),
            )
            .state("End", Succeed::new()),
    );
    assert_eq!(
        found,
        [
            ValidationError::MisplacedStatesAll {
                state: "Start".into(),
                field: "Retry"
            },
            ValidationError::MisplacedStatesAll {
                state: "Start".into(),
                field: "Catch"
            },
        ]
    );
}

#[test]
fn empty_error_equals() {
    let none: [&str; 0] = [];
    let found = errors(valid_start().state(
        "Start",
        Task::activity_named("work").retry(Retry::on(none)).end(),
    ));
    assert_eq!(
        found,
        [ValidationError::EmptyErrorEquals {
            state: "Start".into(),
            field: "Retry"
        }]
    );
}

#[test]
fn heartbeat_must_be_below_timeout_and_neither_zero() {
    let found = errors(
        valid_start().state(
            "Start",
            Task::activity_named("work")
                .timeout_seconds(30)
                .heartbeat_seconds(30)
                .end(),
        ),
    );
    assert_eq!(
        found,
        [ValidationError::HeartbeatNotBelowTimeout {
            state: "Start".into(),
            heartbeat: 30,
            timeout: 30
        }]
    );

    let found = errors(valid_start().state(
        "Start",
        Task::activity_named("work").timeout_seconds(0).end(),
    ));
    assert_eq!(
        found,
        [ValidationError::ZeroSeconds {
            state: "Start".into(),
            field: "TimeoutSeconds"
        }]
    );
}

#[test]
fn fields_of_the_other_query_language_are_refused() {
    let found = errors(
        valid_start()
            .state(
                "Start",
                Pass::new().output("{% $states.input %}").next("Ata"),
            )
            .state(
                "Ata",
                Task::activity_named("work")
                    .query_language(QueryLanguage::Jsonata)
                    .input_path("$.x")
                    .end(),
            ),
    );
    assert_eq!(
        found,
        [
            ValidationError::FieldNotAllowed {
                state: "Start".into(),
                field: "Output",
                query_language: QueryLanguage::JsonPath
            },
            ValidationError::FieldNotAllowed {
                state: "Ata".into(),
                field: "InputPath",
                query_language: QueryLanguage::Jsonata
            },
        ]
    );
}

#[test]
fn jsonata_machines_cannot_switch_states_back_to_jsonpath() {
    let found = errors(valid_start().query_language(QueryLanguage::Jsonata).state(
        "Start",
        Pass::new().query_language(QueryLanguage::JsonPath).end(),
    ));
    assert_eq!(
        found,
        [ValidationError::JsonPathInJsonataMachine {
            state: "Start".into()
        }]
    );
}

#[test]
fn jsonata_choice_rules_are_refused_in_jsonpath_and_vice_versa() {
    let found = errors(
        valid_start()
            .state(
                "Start",
                Choice::new().when(Rule::condition("{% true %}"), "End"),
            )
            .state("End", Succeed::new()),
    );
    assert!(
        matches!(
            found.as_slice(),
            [ValidationError::FieldNotAllowed { state, query_language: QueryLanguage::JsonPath, .. }] if state == "Start"
        ),
        "{found:?}"
    );
}

#[test]
fn invalid_activity_names() {
    let found = errors(valid_start().state("Start", Task::activity_named("has space").end()));
    assert_eq!(
        found,
        [ValidationError::InvalidActivityName {
            state: "Start".into(),
            activity: "has space".into()
        }]
    );
}

#[test]
fn every_problem_is_reported_and_the_message_names_the_states() {
    let invalid = valid_start()
        .state("Start", Pass::new().next("Gone"))
        .state("Lonely", Task::activity_named("work"))
        .build()
        .expect_err("two problems");
    assert_eq!(invalid.errors().len(), 3, "{invalid}");
    let message = invalid.to_string();
    for needle in [
        "`Start`",
        "`Gone`",
        "`Lonely`",
        "neither Next nor End",
        "unreachable",
    ] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
}

#[test]
fn validate_without_building() {
    let builder = valid_start().state("Start", Succeed::new());
    assert_eq!(builder.validate(), Ok(()));
    let broken = StateMachine::builder().state("Start", Succeed::new());
    assert!(broken.validate().is_err());
}
