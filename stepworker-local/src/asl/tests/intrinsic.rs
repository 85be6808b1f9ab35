//! Intrinsic functions, checked against the examples of the AWS guide.

use crate::asl::intrinsic::{evaluate, parse_intrinsic};
use serde_json::{json, Value};

fn eval(call: &str, input: Value) -> Result<Value, String> {
    let parsed = parse_intrinsic(call).map_err(|e| format!("parse: {e}"))?;
    evaluate(&parsed, &input, &json!({"Execution": {"Name": "run-1"}})).map_err(|e| e.to_string())
}

fn ok(call: &str, input: Value) -> Value {
    eval(call, input).unwrap_or_else(|e| panic!("{call} failed: {e}"))
}

#[test]
fn format_interpolates_and_honours_escapes() {
    assert_eq!(
        ok(
            "States.Format('Hello, my name is {}.', $.name)",
            json!({"name": "Arnav"})
        ),
        json!("Hello, my name is Arnav.")
    );
    assert_eq!(
        ok(
            "States.Format('{} ran {} times: \\{ok\\} \\'q\\'', $$.Execution.Name, $.n)",
            json!({"n": 3})
        ),
        json!("run-1 ran 3 times: {ok} 'q'")
    );
    assert_eq!(
        ok(
            "States.Format($.template, 'x')",
            json!({"template": "[{}]"})
        ),
        json!("[x]")
    );
    assert!(eval(
        "States.Format($.template, 'x', 'y')",
        json!({"template": "[{}]"})
    )
    .is_err());
}

#[test]
fn json_conversions() {
    assert_eq!(
        ok(
            "States.StringToJson($.escaped)",
            json!({"escaped": "{\"foo\": \"bar\"}"})
        ),
        json!({"foo": "bar"})
    );
    assert_eq!(
        ok(
            "States.JsonToString($.obj)",
            json!({"obj": {"a": [1, true]}})
        ),
        json!("{\"a\":[1,true]}")
    );
    assert_eq!(
        ok(
            "States.JsonMerge($.a, $.b, false)",
            json!({"a": {"x": 1, "k": {"deep": 1}}, "b": {"k": {"other": 2}}})
        ),
        json!({"x": 1, "k": {"other": 2}})
    );
    assert!(
        eval("States.JsonMerge($.a, $.a, true)", json!({"a": {}})).is_err(),
        "deep merge is unsupported"
    );
    assert!(eval("States.StringToJson('not json')", json!({})).is_err());
}

#[test]
fn array_functions() {
    let input = json!({"list": [1, 2, 3, 4, 5, 6, 7, 8, 9], "dupes": [1, 2, 3, 3, 3, 3, 3, 3, 4]});
    assert_eq!(
        ok("States.Array('a', 1, $.list[0])", input.clone()),
        json!(["a", 1, 1])
    );
    assert_eq!(
        ok("States.ArrayPartition($.list, 4)", input.clone()),
        json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    );
    assert_eq!(
        ok("States.ArrayContains($.list, 5)", input.clone()),
        json!(true)
    );
    assert_eq!(
        ok("States.ArrayContains($.list, 10)", input.clone()),
        json!(false)
    );
    assert_eq!(
        ok("States.ArrayRange(1, 9, 2)", json!({})),
        json!([1, 3, 5, 7, 9])
    );
    assert_eq!(
        ok("States.ArrayRange(5, 1, -2)", json!({})),
        json!([5, 3, 1])
    );
    assert_eq!(
        ok("States.ArrayGetItem($.list, 5)", input.clone()),
        json!(6)
    );
    assert_eq!(ok("States.ArrayLength($.list)", input.clone()), json!(9));
    assert_eq!(
        ok("States.ArrayUnique($.dupes)", input.clone()),
        json!([1, 2, 3, 4])
    );
    assert!(eval("States.ArrayGetItem($.list, 9)", input.clone()).is_err());
    assert!(eval("States.ArrayPartition($.list, 0)", input.clone()).is_err());
    assert!(
        eval("States.ArrayRange(0, 2000, 1)", json!({})).is_err(),
        "more than 1000 items"
    );
    assert!(eval("States.ArrayLength($.missing)", input).is_err());
}

#[test]
fn encoding_and_hashing() {
    assert_eq!(
        ok(
            "States.Base64Encode($.input)",
            json!({"input": "Data to encode"})
        ),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        ok(
            "States.Base64Decode($.base64)",
            json!({"base64": "RGF0YSB0byBlbmNvZGU="})
        ),
        json!("Data to encode")
    );
    let input = json!({"Data": "input data"});
    assert_eq!(
        ok("States.Hash($.Data, 'SHA-1')", input.clone()),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        ok("States.Hash('', 'MD5')", json!({})),
        json!("d41d8cd98f00b204e9800998ecf8427e")
    );
    assert_eq!(
        ok("States.Hash('', 'SHA-256')", json!({})),
        json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    for algorithm in ["SHA-384", "SHA-512"] {
        let digest = ok(&format!("States.Hash('abc', '{algorithm}')"), json!({}));
        let expected_len = if algorithm == "SHA-384" { 96 } else { 128 };
        assert_eq!(digest.as_str().map(str::len), Some(expected_len));
    }
    assert!(eval("States.Hash('x', 'CRC32')", json!({})).is_err());
    assert!(eval("States.Base64Decode('@@@')", json!({})).is_err());
}

#[test]
fn math_string_and_uuid() {
    assert_eq!(
        ok(
            "States.MathAdd($.value1, $.step)",
            json!({"value1": 111, "step": -1})
        ),
        json!(110)
    );
    // The developer guide: non-integer arguments are rounded to the nearest
    // integer (a half rounds up), so 1.5 counts as 2.
    assert_eq!(ok("States.MathAdd(1.5, 1)", json!({})), json!(3));
    assert!(eval("States.MathAdd('1', 1)", json!({})).is_err());
    let seeded = ok("States.MathRandom(1, 999, 1234)", json!({}));
    assert_eq!(
        seeded,
        ok("States.MathRandom(1, 999, 1234)", json!({})),
        "a seed makes it repeatable"
    );
    let n = seeded.as_i64().expect("integer");
    assert!((1..999).contains(&n), "{n} out of range");
    assert!(eval("States.MathRandom(5, 5)", json!({})).is_err());
    assert_eq!(
        ok(
            "States.StringSplit($.inputString, $.splitter)",
            json!({"inputString": "1,2,3,4,5", "splitter": ","})
        ),
        json!(["1", "2", "3", "4", "5"])
    );
    assert_eq!(
        ok(
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            json!({})
        ),
        json!(["This", "is", "a", "test", "string"])
    );
    let id = ok("States.UUID()", json!({}));
    let text = id.as_str().expect("string");
    assert_eq!(text.len(), 36);
    assert_ne!(id, ok("States.UUID()", json!({})));
}

#[test]
fn nested_calls_like_the_aws_guide_example() {
    let call = "States.Format('{}.{}.{}', \
        States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), \
        States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), \
        States.ArrayLength(States.Array(1, 2)))";
    let input = json!({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123:image-recipe/name/1.0.2"}});
    assert_eq!(ok(call, input), json!("1.0.2"));
}

#[test]
fn type_errors_are_errors_not_panics() {
    for call in [
        "States.ArrayLength('not an array')",
        "States.Base64Encode(42)",
        "States.ArrayPartition($.x, 'two')",
        "States.StringSplit(null, ',')",
        "States.JsonMerge(1, 2, false)",
    ] {
        assert!(eval(call, json!({"x": [1]})).is_err(), "{call} should fail");
    }
}
