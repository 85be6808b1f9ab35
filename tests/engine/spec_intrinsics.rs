//! Intrinsic functions checked against the examples of the AWS Step
//! Functions developer guide, "Intrinsic functions for JSONPath states"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html),
//! and the error names of "Error handling in Step Functions"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
//! Every call runs in a Pass state's `Parameters` over real HTTP.

use serde_json::{json, Value};

use crate::support::api::Api;
use crate::support::spec::{create_refused, failed, pass_parameters, succeeded};

/// Evaluates one `.$` field on `input` and returns its value.
async fn eval(api: &Api, expression: &str, input: Value) -> Value {
    let out = succeeded(api, pass_parameters(json!({ "v.$": expression })), input).await;
    out["v"].clone()
}

/// Evaluates one `.$` field on `input` and returns the failure `(error, cause)`.
async fn eval_fails(api: &Api, expression: &str, input: Value) -> (String, String) {
    failed(api, pass_parameters(json!({ "v.$": expression })), input).await
}

// Guide, "States.Format": a literal template and a template read from the
// input both give the same sentence.
#[tokio::test]
async fn format_with_a_literal_or_a_path_template() {
    let api = Api::start().await;
    let input = json!({ "name": "Arnav", "template": "Hello, my name is {}." });
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "literal.$": "States.Format('Hello, my name is {}.', $.name)",
            "fromPath.$": "States.Format($.template, $.name)"
        })),
        input,
    )
    .await;
    assert_eq!(out["literal"], "Hello, my name is Arnav.");
    assert_eq!(out["fromPath"], "Hello, my name is Arnav.");
}

// Guide, "Reserved characters in intrinsic functions": in the definition's
// JSON, `\\'`, `\\{`, `\\}` and `\\\\` stand for a quote, braces and one
// backslash in the value.
#[tokio::test]
async fn reserved_characters_are_escaped_with_a_backslash() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "quote.$": "States.Format('It\\'s {}', $.who)",
            "braces.$": "States.Format('\\{{}\\}', $.who)",
            "backslash.$": "States.Format('C:\\\\{}', $.who)",
            "plain.$": "States.Array('\\{\\}\\'\\\\')"
        })),
        json!({ "who": "me" }),
    )
    .await;
    assert_eq!(out["quote"], "It's me");
    assert_eq!(out["braces"], "{me}");
    assert_eq!(out["backslash"], "C:\\me");
    assert_eq!(out["plain"], json!(["{}'\\"]));
}

// Guide, "Reserved characters": it calls an open escape backslash an error
// of the interpreter. stepworker-local finds it when it parses the
// definition, as it does every malformed intrinsic call, so the mistake
// surfaces at CreateStateMachine with the state and field named instead of
// in a later execution.
#[tokio::test]
async fn an_open_escape_is_refused_with_the_definition() {
    let api = Api::start().await;
    let refused = create_refused(
        &api,
        &pass_parameters(json!({ "v.$": "States.Format('a\\b')" })),
    )
    .await;
    assert_eq!(refused.name(), "InvalidDefinition", "{refused:?}");
    assert!(refused.message.contains("v.$"), "{}", refused.message);
}

// Guide, "States.StringToJson" and "States.JsonToString": the two are
// inverse; the string form is JSON text of the object.
#[tokio::test]
async fn string_to_json_and_json_to_string() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "parsed.$": "States.StringToJson($.escapedJsonString)",
            "text.$": "States.JsonToString($.unescapedJson)",
            "roundTrip.$": "States.StringToJson(States.JsonToString($.unescapedJson))"
        })),
        json!({
            "escapedJsonString": "{\"foo\": \"bar\"}",
            "unescapedJson": { "foo": "bar" }
        }),
    )
    .await;
    assert_eq!(out["parsed"], json!({ "foo": "bar" }));
    let text = out["text"].as_str().expect("JsonToString gives a string");
    let reparsed: Value = serde_json::from_str(text).expect("JSON text");
    assert_eq!(reparsed, json!({ "foo": "bar" }));
    assert_eq!(out["roundTrip"], json!({ "foo": "bar" }));
}

// Guide, "States.Array": literals, paths and null in order; and
// `"BuildId.$": "States.Array($.Id)"` gives `[123456]`.
#[tokio::test]
async fn array_keeps_arguments_in_order() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "foo.$": "States.Array('Foo', 2022, $.someJson, null)",
            "BuildId.$": "States.Array($.Id)"
        })),
        json!({ "someJson": { "random": "abcdefg" }, "zebra": "stripe", "Id": 123456 }),
    )
    .await;
    assert_eq!(
        out,
        json!({ "foo": ["Foo", 2022, { "random": "abcdefg" }, null], "BuildId": [123456] })
    );
}

// Guide, "Intrinsics for arrays": the documented input of 1..9 and each
// function's documented answer.
#[tokio::test]
async fn array_functions_give_the_documented_results() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "partition.$": "States.ArrayPartition($.inputArray,4)",
            "contains.$": "States.ArrayContains($.inputArray, $.lookingFor)",
            "missing.$": "States.ArrayContains($.inputArray, 10)",
            "range.$": "States.ArrayRange(1, 9, 2)",
            "item.$": "States.ArrayGetItem($.inputArray, $.index)",
            "length.$": "States.ArrayLength($.inputArray)",
            "unique.$": "States.ArrayUnique($.duplicates)"
        })),
        json!({
            "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
            "lookingFor": 5,
            "index": 5,
            "duplicates": [1, 2, 3, 3, 3, 3, 3, 3, 4]
        }),
    )
    .await;
    assert_eq!(out["partition"], json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]]));
    assert_eq!(out["contains"], true);
    assert_eq!(out["missing"], false);
    assert_eq!(out["range"], json!([1, 3, 5, 7, 9]));
    assert_eq!(out["item"], 6);
    assert_eq!(out["length"], 9);
    assert_eq!(out["unique"], json!([1, 2, 3, 4]));
}

// Guide, "States.ArrayContains": the searched value may be any JSON value.
#[tokio::test]
async fn array_contains_compares_json_values() {
    let api = Api::start().await;
    let input = json!({ "items": [{ "a": 1 }, [1, 2], "x", null] });
    assert_eq!(
        eval(
            &api,
            "States.ArrayContains($.items, $.items[0])",
            input.clone()
        )
        .await,
        true
    );
    assert_eq!(
        eval(&api, "States.ArrayContains($.items, null)", input).await,
        true
    );
}

// Guide, "States.ArrayRange", "States.ArrayPartition", "States.MathAdd",
// "States.MathRandom": a non-integer argument is rounded to the nearest
// integer (half away from zero on the positive side: 1.5 gives 2).
#[tokio::test]
async fn non_integer_arguments_are_rounded_to_the_nearest_integer() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "sum.$": "States.MathAdd($.a, $.b)",
            "range.$": "States.ArrayRange(0.6, 3.4, 1.2)",
            "chunks.$": "States.ArrayPartition($.items, 1.6)",
            "random.$": "States.MathRandom(4.6, 5.7)"
        })),
        json!({ "a": 1.49, "b": 1.5, "items": [1, 2, 3] }),
    )
    .await;
    assert_eq!(out["sum"], 3);
    assert_eq!(out["range"], json!([1, 2, 3]));
    assert_eq!(out["chunks"], json!([[1, 2], [3]]));
    assert_eq!(out["random"], 5);
}

// Guide, "States.Base64Encode" and "States.Base64Decode": "Data to encode"
// encodes to RGF0YSB0byBlbmNvZGU=. (The guide's decode example prints
// "Decoded data" for that same string, which cannot be; we check the
// round trip instead.)
#[tokio::test]
async fn base64_encode_and_decode() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "base64.$": "States.Base64Encode($.input)",
            "data.$": "States.Base64Decode($.encoded)"
        })),
        json!({ "input": "Data to encode", "encoded": "RGF0YSB0byBlbmNvZGU=" }),
    )
    .await;
    assert_eq!(out["base64"], "RGF0YSB0byBlbmNvZGU=");
    assert_eq!(out["data"], "Data to encode");
}

// Guide, "States.Hash": SHA-1 of "input data". The guide prints a
// 39-digit value with one digit dropped; the real digest has 40 digits.
// Every listed algorithm gives lowercase hex of its digest size.
#[tokio::test]
async fn hash_supports_the_listed_algorithms() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "output.$": "States.Hash($.Data, $.Algorithm)",
            "md5.$": "States.Hash($.Data, 'MD5')",
            "sha256.$": "States.Hash($.Data, 'SHA-256')",
            "sha384.$": "States.Hash($.Data, 'SHA-384')",
            "sha512.$": "States.Hash($.Data, 'SHA-512')"
        })),
        json!({ "Data": "input data", "Algorithm": "SHA-1" }),
    )
    .await;
    assert_eq!(out["output"], "aaff4a450a104cd177d28d18d74485e8cae074b7");
    assert_eq!(out["md5"], "812f45842bc6d66ee14572ce20db8e86");
    for (field, hex_len) in [("sha256", 64), ("sha384", 96), ("sha512", 128)] {
        let digest = out[field].as_str().expect("digest string");
        assert_eq!(digest.len(), hex_len, "{field}");
        assert!(digest
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}

// Guide, "States.JsonMerge": shallow merge, the second object's `a`
// replaces the first's whole `a`.
#[tokio::test]
async fn json_merge_is_shallow() {
    let api = Api::start().await;
    let input = json!({
        "json1": { "a": { "a1": 1, "a2": 2 }, "b": 2 },
        "json2": { "a": { "a3": 1, "a4": 2 }, "c": 3 }
    });
    assert_eq!(
        eval(&api, "States.JsonMerge($.json1, $.json2, false)", input).await,
        json!({ "a": { "a3": 1, "a4": 2 }, "b": 2, "c": 3 })
    );
}

// Guide, "States.MathRandom": start inclusive, end exclusive; the same
// seed gives the same number.
#[tokio::test]
async fn math_random_bounds_and_seed() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "random.$": "States.MathRandom($.start, $.end)",
            "onlyStart.$": "States.MathRandom(7, 8)",
            "seeded1.$": "States.MathRandom(0, 1000000, 42)",
            "seeded2.$": "States.MathRandom(0, 1000000, 42)"
        })),
        json!({ "start": 1, "end": 999 }),
    )
    .await;
    let random = out["random"].as_i64().expect("integer");
    assert!((1..999).contains(&random), "{random}");
    assert_eq!(out["onlyStart"], 7);
    assert_eq!(out["seeded1"], out["seeded2"]);
}

// Guide, "States.MathAdd": 111 + -1 = 110; arguments must lie within
// -2147483648..=2147483647.
#[tokio::test]
async fn math_add_and_its_integer_range() {
    let api = Api::start().await;
    assert_eq!(
        eval(
            &api,
            "States.MathAdd($.value1, $.step)",
            json!({ "value1": 111, "step": -1 })
        )
        .await,
        110
    );
    assert_eq!(
        eval(&api, "States.MathAdd(-2147483648, 2147483647)", json!({})).await,
        -1
    );
    let (error, _) = eval_fails(
        &api,
        "States.MathAdd($.big, 0)",
        json!({ "big": 2147483648_i64 }),
    )
    .await;
    assert!(error.starts_with("States."), "{error}");
}

// Guide, "States.StringSplit": one delimiter, and several delimiter
// characters at once.
#[tokio::test]
async fn string_split_examples() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({
            "array.$": "States.StringSplit($.inputString, $.splitter)",
            "myStringArray.$": "States.StringSplit($.other, $.splitters)"
        })),
        json!({
            "inputString": "1,2,3,4,5", "splitter": ",",
            "other": "This.is+a,test=string", "splitters": ".+,="
        }),
    )
    .await;
    assert_eq!(out["array"], json!(["1", "2", "3", "4", "5"]));
    assert_eq!(
        out["myStringArray"],
        json!(["This", "is", "a", "test", "string"])
    );
}

// Guide, "States.UUID": a version 4 UUID, new on every call.
#[tokio::test]
async fn uuid_is_a_fresh_version_4_uuid() {
    let api = Api::start().await;
    let out = succeeded(
        &api,
        pass_parameters(json!({ "a.$": "States.UUID()", "b.$": "States.UUID()" })),
        json!({}),
    )
    .await;
    for field in ["a", "b"] {
        let id = out[field].as_str().expect("string");
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
        assert_eq!(id.as_bytes()[14], b'4', "version nibble of {id}");
        assert!(
            matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "variant of {id}"
        );
    }
    assert_ne!(out["a"], out["b"]);
}

// Guide, introduction: nested calls; the `myArn` example splits an image
// recipe ARN twice. (The guide's template has three `{}` for two values,
// which AWS itself refuses; we keep its nine nested calls with two `{}`.)
#[tokio::test]
async fn nested_calls_like_the_my_arn_example() {
    let api = Api::start().await;
    let expression = "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    let input = json!({ "ImageRecipe": {
        "Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/2.7.1"
    } });
    assert_eq!(eval(&api, expression, input).await, "2.7");
}

// Guide, introduction: up to 10 intrinsic functions may be nested in one
// field (the myArn example counts the outer call among its nine).
#[tokio::test]
async fn ten_nested_calls_are_accepted_eleven_are_not() {
    let api = Api::start().await;
    let nest = |calls: usize| format!("{}$.x{}", "States.Array(".repeat(calls), ")".repeat(calls));
    let ten = eval(&api, &nest(10), json!({ "x": 1 })).await;
    assert_eq!(ten, json!([[[[[[[[[[1]]]]]]]]]]));
    let refused = create_refused(&api, &pass_parameters(json!({ "v.$": nest(11) }))).await;
    assert_eq!(refused.name(), "InvalidDefinition", "{refused:?}");
}

// Guide, "Input validation" of each function: bad arguments fail the
// execution, and the cause names the function that failed.
#[tokio::test]
async fn documented_argument_errors_fail_the_execution() {
    let api = Api::start().await;
    let long = "x".repeat(10_001);
    let input = json!({ "items": [1, 2, 3], "long": long, "a": { "k": 1 }, "b": { "k": 2 } });
    for (expression, function) in [
        ("States.ArrayPartition($.items, 0)", "ArrayPartition"),
        ("States.ArrayPartition($.a, 2)", "ArrayPartition"),
        ("States.ArrayRange(1, 9, 0)", "ArrayRange"),
        ("States.ArrayRange(1, 1001, 1)", "ArrayRange"),
        ("States.ArrayGetItem($.items, 3)", "ArrayGetItem"),
        ("States.Base64Encode($.long)", "Base64Encode"),
        ("States.Base64Decode($.long)", "Base64Decode"),
        ("States.Hash($.long, 'SHA-1')", "Hash"),
        ("States.Hash('data', 'SHA-2')", "Hash"),
        ("States.JsonMerge($.a, $.b, true)", "JsonMerge"),
        ("States.StringToJson('{not json')", "StringToJson"),
        ("States.MathAdd('1', 2)", "MathAdd"),
    ] {
        let (error, cause) = eval_fails(&api, expression, input.clone()).await;
        assert!(error.starts_with("States."), "{expression}: {error}");
        assert!(cause.contains(function), "{expression}: {cause}");
    }
}

// Guide, "Error names": States.IntrinsicFailure is the error when invoking
// an intrinsic function within a payload template fails; unlike
// States.Runtime, a Catch on States.ALL catches it.
#[tokio::test]
async fn argument_errors_are_intrinsic_failures_that_states_all_catches() {
    let api = Api::start().await;
    let (error, _) = eval_fails(
        &api,
        "States.ArrayGetItem($.items, 3)",
        json!({ "items": [1] }),
    )
    .await;
    assert_eq!(error, "States.IntrinsicFailure");

    let activity = api.activity("a").await;
    let definition = json!({
        "StartAt": "T",
        "States": {
            "T": { "Type": "Task", "Resource": activity,
                   "Parameters": { "v.$": "States.ArrayGetItem($.items, 3)" },
                   "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Caught" }],
                   "End": true },
            "Caught": { "Type": "Pass", "End": true }
        }
    });
    let out = succeeded(&api, definition, json!({ "items": [1] })).await;
    assert_eq!(out["Error"], "States.IntrinsicFailure");
}
