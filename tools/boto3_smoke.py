#!/usr/bin/env python3
"""boto3 drives workflows against a running stepworker-local.

An activity workflow end to end, then a JSONata workflow whose service
integrations answer from the mock file the engine was started with
(stepworker-local/tests/fixtures/MockConfigFile.json) and whose
.waitForTaskToken step is finished with the token from the history.

Usage: boto3_smoke.py http://127.0.0.1:PORT
Exits non-zero with a message on the first mismatch.
"""
import json
import sys
import time

import boto3
from botocore.config import Config


def main(endpoint: str) -> None:
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="secret",
        config=Config(read_timeout=70, retries={"max_attempts": 1}),
    )
    activity_arn = sfn.create_activity(name="boto3-smoke")["activityArn"]
    definition = {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": activity_arn, "End": True}},
    }
    machine_arn = sfn.create_state_machine(
        name="boto3-smoke",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )["stateMachineArn"]
    execution_arn = sfn.start_execution(
        stateMachineArn=machine_arn, input=json.dumps({"n": 21})
    )["executionArn"]

    task = sfn.get_activity_task(activityArn=activity_arn, workerName="boto3")
    check(json.loads(task["input"]) == {"n": 21}, f"task input: {task.get('input')}")
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"n": 42}))

    described = wait_finished(sfn, execution_arn)
    check(described["status"] == "SUCCEEDED", f"status: {described['status']}")
    check(json.loads(described["output"]) == {"n": 42}, f"output: {described.get('output')}")

    events = sfn.get_execution_history(executionArn=execution_arn)["events"]
    types = [e["type"] for e in events]
    check(types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", f"history: {types}")
    started = next(e for e in events if e["type"] == "ActivityStarted")
    check(started["activityStartedEventDetails"]["workerName"] == "boto3", "workerName")

    try:
        sfn.send_task_success(taskToken=task["taskToken"], output="{}")
        check(False, "a used token was accepted")
    except sfn.exceptions.TaskTimedOut:
        pass
    try:
        sfn.describe_execution(executionArn=execution_arn + "-missing")
        check(False, "a missing execution was described")
    except sfn.exceptions.ExecutionDoesNotExist:
        pass
    mocked_integrations(sfn)
    print("boto3 smoke: OK")


def mocked_integrations(sfn) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "LambdaState",
        "States": {
            "LambdaState": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "resize", "Payload": "{% $states.input %}"},
                "Assign": {"body": "{% $states.result.Payload.body %}"},
                "Next": "SQSState",
            },
            "SQSState": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Arguments": {"QueueUrl": "q", "MessageBody": "{% $body %}"},
                "Next": "Approve",
            },
            "Approve": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "{% $states.context.Task.Token %}"}},
                "Output": {"body": "{% $body %}", "approved": "{% $states.result.approved %}"},
                "End": True,
            },
        },
    }
    machine_arn = sfn.create_state_machine(
        name="LambdaSQSIntegration",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )["stateMachineArn"]
    execution_arn = sfn.start_execution(
        stateMachineArn=machine_arn + "#HappyPath", input=json.dumps({"images": 3})
    )["executionArn"]

    token = None
    deadline = time.monotonic() + 10
    while token is None and time.monotonic() < deadline:
        for event in sfn.get_execution_history(executionArn=execution_arn)["events"]:
            details = event.get("taskScheduledEventDetails")
            if details and details["resource"] == "sendMessage.waitForTaskToken":
                token = json.loads(details["parameters"])["MessageBody"]["token"]
        time.sleep(0.02)
    check(token is not None, "no TaskScheduled event carried the task token")
    sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True}))

    described = wait_finished(sfn, execution_arn)
    check(described["status"] == "SUCCEEDED", f"mocked workflow: {described}")
    check(
        json.loads(described["output"]) == {"body": "resized 3 images", "approved": True},
        f"mocked workflow output: {described.get('output')}",
    )


def wait_finished(sfn, execution_arn: str) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.02)
    check(False, "the execution did not finish within 10 s")
    return {}


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"boto3 smoke FAILED: {message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
