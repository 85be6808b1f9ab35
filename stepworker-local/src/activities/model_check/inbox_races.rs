//! A token's inbox under shuttle: the table's side sends a few events and
//! goes (the token closed), while the runner's side reads them with waits
//! that a select may abandon at any step, and in some schedules leaves
//! early. Every lock of the inbox is a scheduling point, and half the
//! waits have no deadline, so a wake-up that never comes shows as a
//! deadlock: a sender that goes without waking the reader is caught. The
//! wake-up sent between the reader's check and its wait is `Notify`'s
//! stored permit, which no scheduling point here separates (tokio's
//! documented `notify_one` contract, not explored).

use std::sync::Arc;
use std::time::Duration;

use shuttle::rand::Rng;
use shuttle::{future, thread};

use super::explore::explore;
use super::inbox::Inbox;
use super::sync::{timeout, Mutex};
use super::tasks::TaskEvent;

const EVENTS: i64 = 3;

fn heartbeat(at_millis: i64) -> TaskEvent {
    TaskEvent::Heartbeat { at_millis }
}

/// Reads until the end, a wait sometimes abandoned by a deadline (as the
/// biased select of `report_wait` abandons it); stops after `keep` events
/// when given, dropping the inbox.
async fn read(mut inbox: Inbox, keep: Option<usize>) -> Vec<TaskEvent> {
    let mut read = Vec::new();
    loop {
        if keep == Some(read.len()) {
            return read;
        }
        // Half the waits have no deadline: a lost wake-up leaves one of
        // them waiting for ever, which shuttle reports as a deadlock.
        let waited = if shuttle::rand::thread_rng().gen_bool(0.5) {
            Ok(inbox.recv().await)
        } else {
            timeout(Duration::from_secs(1), inbox.recv()).await
        };
        match waited {
            Ok(Some(event)) => read.push(event),
            Ok(None) => return read,
            // Abandoned: wait again.
            Err(_) => {}
        }
    }
}

fn one_schedule() {
    let (sender, inbox) = super::inbox::inbox();
    let leaves_after = shuttle::rand::thread_rng()
        .gen_bool(0.3)
        .then(|| shuttle::rand::thread_rng().gen_range(0..EVENTS as usize));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let table = {
        let refused = refused.clone();
        thread::spawn(move || {
            for at in 0..EVENTS {
                if let Err(event) = sender.send(heartbeat(at)) {
                    assert!(sender.is_closed());
                    refused.lock().push(event);
                }
            }
            // The token closes: the sender goes.
        })
    };
    let read = future::block_on(read(inbox, leaves_after));
    table.join().expect("table side");
    let refused = refused.lock().clone();

    // Read in the order sent, with nothing skipped.
    let expected: Vec<TaskEvent> = (0..read.len() as i64).map(heartbeat).collect();
    assert_eq!(read, expected, "events out of order or lost");
    match leaves_after {
        // A reader that stays reads everything, then the end.
        None => {
            assert_eq!(read.len(), EVENTS as usize);
            assert!(refused.is_empty(), "refused with the reader there");
        }
        // Refused events are only ever those sent after the reader left,
        // so they are the tail.
        Some(_) => {
            let tail: Vec<TaskEvent> = (EVENTS - refused.len() as i64..EVENTS)
                .map(heartbeat)
                .collect();
            assert_eq!(
                refused, tail,
                "an event was refused before a later one was queued"
            );
        }
    }
}

/// In order, none lost, the end read only after every event; a reader that
/// leaves makes every later send fail and no earlier one.
#[test]
fn sends_waits_and_departures_lose_no_event() {
    explore("inbox", one_schedule);
}
