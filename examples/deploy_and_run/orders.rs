//! The business logic: two activities, written as plain async functions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use stepworker::activity;

/// An order as a client submits it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub item: String,
    pub quantity: u32,
}

impl Order {
    pub fn new(id: &str, item: &str, quantity: u32) -> Self {
        Self {
            id: id.into(),
            item: item.into(),
            quantity,
        }
    }
}

/// An order whose item is in stock, priced.
#[derive(Debug, Serialize, Deserialize)]
pub struct PricedOrder {
    pub id: String,
    pub item: String,
    pub total_cents: u64,
}

/// What charging the customer produced.
#[derive(Debug, Serialize, Deserialize)]
pub struct Payment {
    pub id: String,
    pub amount: String,
    pub payment_id: String,
}

/// Why an order cannot be taken: a `Catch` on `OrderError.OutOfStock` routes
/// these to the `Rejected` state instead of failing the execution.
#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
pub enum OrderError {
    #[error("{0} is out of stock")]
    OutOfStock(String),
}

/// A transient payment problem: the `Charge` state retries it.
#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
pub enum PaymentError {
    #[error("the payment gateway did not answer in time")]
    GatewayTimeout,
}

const CATALOG: &[(&str, u64)] = &[("espresso-beans", 1_450), ("grinder", 8_900)];

/// Checks stock and prices the order.
#[activity(name = "validate-order", heartbeat = "10s", timeout = "1m")]
pub async fn validate_order(order: Order) -> Result<PricedOrder, OrderError> {
    tokio::time::sleep(Duration::from_millis(20)).await; // a catalog lookup
    let (_, unit_cents) = CATALOG
        .iter()
        .find(|(item, _)| *item == order.item)
        .ok_or_else(|| OrderError::OutOfStock(order.item.clone()))?;
    Ok(PricedOrder {
        total_cents: unit_cents * u64::from(order.quantity),
        id: order.id,
        item: order.item,
    })
}

/// The gateway times out once, the first time it is called, so the demo
/// shows a `Retry` at work.
static GATEWAY_WARM: AtomicBool = AtomicBool::new(false);

/// Charges the customer for a priced order.
#[activity(name = "charge-card", heartbeat = "10s", timeout = "1m")]
pub async fn charge_card(order: PricedOrder) -> Result<Payment, PaymentError> {
    tokio::time::sleep(Duration::from_millis(40)).await; // a call to the gateway
    if !GATEWAY_WARM.swap(true, Ordering::SeqCst) {
        return Err(PaymentError::GatewayTimeout);
    }
    Ok(Payment {
        amount: format!(
            "${}.{:02}",
            order.total_cents / 100,
            order.total_cents % 100
        ),
        payment_id: format!("pay-{}", order.id),
        id: order.id,
    })
}
