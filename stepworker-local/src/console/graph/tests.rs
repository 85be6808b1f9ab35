//! The console's graph model and layout for representative definitions:
//! Choice, Catch and Retry, Parallel, nested Map, and a 40-state workflow.

use super::layout::{layout_graph, Rect, ScopeLayout};
use super::model::{EdgeKind, Graph, Scope};
use super::{build_graph, render_svg};
use crate::asl::parse_definition;
use serde_json::{json, Value};

const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

fn graph(definition: Value) -> Graph {
    let parsed = parse_definition(&definition.to_string()).expect("valid definition");
    build_graph(&parsed)
}

/// `(from, to, kind, label)` of every edge of a scope.
fn edges(scope: &Scope) -> Vec<(&str, &str, EdgeKind, Option<&str>)> {
    scope
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.kind, e.label.as_deref()))
        .collect()
}

fn choice_definition() -> Value {
    json!({
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.total", "NumericGreaterThanEquals": 100, "Next": "Big"},
                    {"And": [
                        {"Variable": "$.kind", "StringEquals": "gift"},
                        {"Not": {"Variable": "$.note", "IsPresent": true}}
                    ], "Next": "Gift"}
                ],
                "Default": "Small"
            },
            "Big": {"Type": "Pass", "Next": "Done"},
            "Gift": {"Type": "Pass", "Next": "Done"},
            "Small": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
            "Done": {"Type": "Succeed"}
        }
    })
}

#[test]
fn choice_branches_carry_their_conditions_and_default() {
    let graph = graph(choice_definition());
    let root = &graph.root;
    let names: Vec<&str> = root.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["Check", "Big", "Gift", "Small", "Done"]);
    let check = root.node("Check").expect("Check");
    assert!(check.start && !check.end);
    assert_eq!(check.state_type, "Choice");
    let done = root.node("Done").expect("Done");
    assert!(done.end && !done.start);
    assert_eq!(root.node("Small").map(|n| n.state_type), Some("Wait"));
    assert_eq!(
        edges(root),
        [
            ("Check", "Big", EdgeKind::Choice, Some("$.total >= 100")),
            (
                "Check",
                "Gift",
                EdgeKind::Choice,
                Some(r#"$.kind == "gift" && !($.note is present)"#)
            ),
            ("Check", "Small", EdgeKind::Default, Some("Default")),
            ("Big", "Done", EdgeKind::Next, None),
            ("Gift", "Done", EdgeKind::Next, None),
            ("Small", "Done", EdgeKind::Next, None),
        ]
    );
}

#[test]
fn catch_edges_are_labelled_with_their_errors_and_retries_are_summarised() {
    let graph = graph(json!({
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": ACTIVITY,
                "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 3, "IntervalSeconds": 2}],
                "Catch": [
                    {"ErrorEquals": ["Card.Declined", "Card.Expired"], "Next": "Apologise"},
                    {"ErrorEquals": ["States.ALL"], "Next": "Broken"}
                ],
                "End": true
            },
            "Apologise": {"Type": "Pass", "End": true},
            "Broken": {"Type": "Fail", "Error": "Broken"}
        }
    }));
    let root = &graph.root;
    assert_eq!(
        edges(root),
        [
            (
                "Charge",
                "Apologise",
                EdgeKind::Catch,
                Some("catch Card.Declined, Card.Expired")
            ),
            (
                "Charge",
                "Broken",
                EdgeKind::Catch,
                Some("catch States.ALL")
            ),
        ]
    );
    let charge = root.node("Charge").expect("Charge");
    assert!(charge.end, "End: true makes the task an end state");
    assert_eq!(charge.retries, ["States.Timeout: 3× from 2s, ×2"]);
    assert!(root.node("Broken").expect("Broken").end, "Fail ends");
}

#[test]
fn parallel_branches_are_groups_with_their_own_start_and_end() {
    let graph = graph(json!({
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A1", "States": {
                        "A1": {"Type": "Pass", "Next": "A2"},
                        "A2": {"Type": "Pass", "End": true}
                    }},
                    {"StartAt": "B1", "States": {"B1": {"Type": "Task", "Resource": ACTIVITY, "End": true}}}
                ],
                "Next": "After"
            },
            "After": {"Type": "Succeed"}
        }
    }));
    let both = graph.root.node("Both").expect("Both");
    assert_eq!(both.state_type, "Parallel");
    let labels: Vec<&str> = both.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["Branch 1", "Branch 2"]);
    let first = &both.groups[0].scope;
    assert!(first.node("A1").is_some_and(|n| n.start && !n.end));
    assert!(first.node("A2").is_some_and(|n| n.end && !n.start));
    assert_eq!(edges(first), [("A1", "A2", EdgeKind::Next, None)]);
    let second = &both.groups[1].scope;
    assert!(second.node("B1").is_some_and(|n| n.start && n.end));
    assert!(
        graph.root.node("A1").is_none(),
        "branch states live in their group, not at top level"
    );
    assert_eq!(
        edges(&graph.root),
        [("Both", "After", EdgeKind::Next, None)]
    );
}

fn nested_map_definition() -> Value {
    json!({
        "StartAt": "Orders",
        "States": {
            "Orders": {
                "Type": "Map",
                "ItemsPath": "$.orders",
                "ItemProcessor": {
                    "StartAt": "Lines",
                    "States": {
                        "Lines": {
                            "Type": "Map",
                            "ItemsPath": "$.lines",
                            "ItemProcessor": {
                                "StartAt": "Pack",
                                "States": {"Pack": {"Type": "Task", "Resource": ACTIVITY, "End": true}}
                            },
                            "Next": "Ship"
                        },
                        "Ship": {"Type": "Pass", "End": true}
                    }
                },
                "End": true
            }
        }
    })
}

#[test]
fn nested_map_processors_nest_as_groups() {
    let graph = graph(nested_map_definition());
    let orders = graph.root.node("Orders").expect("Orders");
    assert_eq!(orders.state_type, "Map");
    assert_eq!(orders.groups.len(), 1);
    assert_eq!(orders.groups[0].label, "Item processor");
    let processor = &orders.groups[0].scope;
    assert_eq!(edges(processor), [("Lines", "Ship", EdgeKind::Next, None)]);
    let lines = processor.node("Lines").expect("Lines");
    assert_eq!(lines.state_type, "Map");
    let inner = &lines.groups[0].scope;
    let pack = inner.node("Pack").expect("Pack inside Lines");
    assert!(pack.start && pack.end);
    assert_eq!(pack.state_type, "Task");
}

/// Every state box of a scope (recursively, in absolute coordinates).
fn boxes(scope: &Scope, layout: &ScopeLayout, dx: f64, dy: f64, out: &mut Vec<(String, Rect)>) {
    for (node, placed) in scope.nodes.iter().zip(&layout.nodes) {
        let rect = Rect {
            x: placed.rect.x + dx,
            y: placed.rect.y + dy,
            ..placed.rect
        };
        out.push((node.name.clone(), rect));
        for (group, inner) in node.groups.iter().zip(&placed.groups) {
            // Group contents sit inside the group box: check they fit.
            assert!(inner.scope.width <= inner.rect.width + 0.01);
            assert!(inner.rect.x + inner.rect.width <= placed.rect.width + 0.01);
            assert!(inner.rect.y + inner.rect.height <= placed.rect.height + 0.01);
            boxes(
                &group.scope,
                &inner.scope,
                rect.x + inner.rect.x,
                rect.y + inner.rect.y,
                out,
            );
        }
    }
}

fn assert_no_overlap_within_scopes(scope: &Scope, layout: &ScopeLayout) {
    let rects: Vec<&Rect> = layout.nodes.iter().map(|n| &n.rect).collect();
    for (i, a) in rects.iter().enumerate() {
        assert!(
            !a.overlaps(&layout.start),
            "{} covers Start",
            scope.nodes[i].name
        );
        for (j, b) in rects.iter().enumerate().skip(i + 1) {
            assert!(
                !a.overlaps(b),
                "{} and {} overlap",
                scope.nodes[i].name,
                scope.nodes[j].name
            );
        }
        assert!(a.x >= 0.0 && a.y >= 0.0);
        assert!(a.x + a.width <= layout.width && a.y + a.height <= layout.height);
    }
    for (node, placed) in scope.nodes.iter().zip(&layout.nodes) {
        for (group, inner) in node.groups.iter().zip(&placed.groups) {
            assert_no_overlap_within_scopes(&group.scope, &inner.scope);
        }
    }
}

#[test]
fn layout_keeps_states_apart_and_flows_downwards() {
    for definition in [choice_definition(), nested_map_definition()] {
        let graph = graph(definition);
        let layout = layout_graph(&graph);
        assert_no_overlap_within_scopes(&graph.root, &layout);
        let mut all = Vec::new();
        boxes(&graph.root, &layout, 0.0, 0.0, &mut all);
        assert_eq!(all.len(), count_states(&graph.root));
    }
    let graph = graph(choice_definition());
    let layout = layout_graph(&graph);
    let rect = |name: &str| {
        let i = graph
            .root
            .nodes
            .iter()
            .position(|n| n.name == name)
            .expect(name);
        layout.nodes[i].rect
    };
    assert!(layout.start.y + layout.start.height <= rect("Check").y);
    for branch in ["Big", "Gift", "Small"] {
        assert!(rect("Check").y + rect("Check").height < rect(branch).y);
        assert!(rect(branch).y + rect(branch).height < rect("Done").y);
        // The branches of one Choice sit side by side on one row.
        assert_eq!(rect(branch).y, rect("Big").y);
    }
    let end = layout.end.expect("an end marker");
    assert!(rect("Done").y + rect("Done").height <= end.y);
    // Edges run from the bottom of their source to the top of their target.
    for (edge, routed) in graph.root.edges.iter().zip(&layout.edges) {
        let (from, to) = (rect(&edge.from), rect(&edge.to));
        let first = routed.points.first().expect("points");
        let last = routed.points.last().expect("points");
        assert!((first.y - (from.y + from.height)).abs() < 0.01, "{edge:?}");
        assert!((last.y - to.y).abs() < 0.01, "{edge:?}");
        if edge.label.is_some() {
            let label = routed.label.expect("a labelled edge has a label position");
            assert!(label.y > from.y + from.height && label.y < to.y);
        }
    }
}

fn count_states(scope: &Scope) -> usize {
    scope
        .nodes
        .iter()
        .map(|n| {
            1 + n
                .groups
                .iter()
                .map(|g| count_states(&g.scope))
                .sum::<usize>()
        })
        .sum()
}

/// A 40-state order workflow: a chain of tasks with validation choices,
/// catches to a shared handler and a retry loop back to the start.
fn forty_states() -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..36 {
        let name = format!("Step{i:02}");
        let next = format!("Step{:02}", i + 1);
        let state = if i % 6 == 3 {
            json!({"Type": "Choice", "Choices": [
                {"Variable": "$.ok", "BooleanEquals": false, "Next": "Reject"},
                {"Variable": "$.retry", "BooleanEquals": true, "Next": "Step00"}
            ], "Default": next})
        } else {
            json!({"Type": "Task", "Resource": ACTIVITY,
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleError"}],
                   "Next": if i == 35 { "Approve".to_owned() } else { next }})
        };
        states.insert(name, state);
    }
    states.insert("Approve".into(), json!({"Type": "Succeed"}));
    states.insert(
        "Reject".into(),
        json!({"Type": "Fail", "Error": "Rejected"}),
    );
    states.insert(
        "HandleError".into(),
        json!({"Type": "Pass", "Next": "Notify"}),
    );
    states.insert("Notify".into(), json!({"Type": "Fail", "Error": "Failed"}));
    json!({"StartAt": "Step00", "States": states})
}

#[test]
fn a_forty_state_workflow_stays_readable() {
    let graph = graph(forty_states());
    assert_eq!(graph.root.nodes.len(), 40);
    let layout = layout_graph(&graph);
    assert_no_overlap_within_scopes(&graph.root, &layout);
    let svg = render_svg(&graph);
    std::fs::create_dir_all("../target/console-screenshots").expect("output folder");
    std::fs::write("../target/console-screenshots/forty_states.svg", &svg).expect("write svg");
    assert_eq!(svg.matches(r#"class="state "#).count(), 40);
    // The happy path is one straight column, read top to bottom; error
    // paths run beside it.
    let centre = |name: &str| {
        let i = graph
            .root
            .nodes
            .iter()
            .position(|n| n.name == name)
            .expect(name);
        let rect = layout.nodes[i].rect;
        (rect.x + rect.width / 2.0, rect.y)
    };
    let (column, mut above) = centre("Step00");
    for i in 1..36 {
        let (x, y) = centre(&format!("Step{i:02}"));
        assert!(
            (x - column).abs() < 0.5,
            "Step{i:02} is off the main column"
        );
        assert!(y > above, "Step{i:02} is below the step before it");
        above = y;
    }
    // About one laptop screen wide, however many catches run beside it.
    assert!(layout.width < 1600.0, "width {}", layout.width);
}

#[test]
fn svg_marks_every_state_and_edge_for_the_page_to_colour() {
    let svg = render_svg(&graph(choice_definition()));
    assert!(svg.starts_with("<svg "));
    assert!(svg.ends_with("</svg>"));
    for (name, kind) in [
        ("Check", "choice"),
        ("Big", "pass"),
        ("Small", "wait"),
        ("Done", "succeed"),
    ] {
        let tag = format!(r#"<g id="state-{name}" class="state type-{kind}"#);
        assert!(svg.contains(&tag), "missing {tag}");
    }
    assert!(svg.contains(r#"class="edge edge-choice" data-from="Check" data-to="Big""#));
    assert!(svg.contains(r#"class="edge edge-default" data-from="Check" data-to="Small""#));
    assert!(svg.contains("&quot;gift&quot;"), "labels are escaped");
    assert!(svg.contains(">Start</text>") && svg.contains(">End</text>"));
}

#[test]
fn state_names_are_escaped_in_the_svg() {
    let svg = render_svg(&graph(json!({
        "StartAt": "Say <hi> & \"bye\"",
        "States": {"Say <hi> & \"bye\"": {"Type": "Pass", "End": true}}
    })));
    assert!(svg.contains(r#"data-state="Say &lt;hi&gt; &amp; &quot;bye&quot;""#));
    assert!(!svg.contains("<hi>"));
}

#[test]
fn a_state_that_loops_to_itself_is_drawn_beside_its_box() {
    let graph = graph(json!({
        "StartAt": "Poll",
        "States": {
            "Poll": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.done", "BooleanEquals": false, "Next": "Poll"}],
                "Default": "Finish"
            },
            "Finish": {"Type": "Succeed"}
        }
    }));
    assert_eq!(
        edges(&graph.root)[0],
        ("Poll", "Poll", EdgeKind::Choice, Some("$.done == false"))
    );
    let layout = layout_graph(&graph);
    let poll = layout.nodes[0].rect;
    let around = &layout.edges[0];
    assert!(around.backwards);
    assert!(around.points.len() >= 2);
    assert!(
        around
            .points
            .iter()
            .all(|p| p.x >= poll.x + poll.width - 0.01),
        "the loop runs on the right of its state: {around:?}"
    );
    let label = around.label.expect("the condition is shown");
    assert!(
        label.x > poll.x + poll.width,
        "the label sits beside the loop"
    );
    // The label's box ("$.done == false", about 100 units) fits the drawing.
    assert!(layout.width >= label.x + 40.0);
    let svg = render_svg(&graph);
    assert!(svg.contains(r#"class="edge edge-choice edge-back" data-from="Poll" data-to="Poll""#));
}
