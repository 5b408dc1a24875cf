-- The capture benchmarks' load (scripts/bench-capture.sh, scripts/wal-frames.sh):
-- a Stripe-like webhook, an 899-byte JSON event with the headers Stripe sends.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
wrk.headers["Stripe-Signature"] = "t=1735732800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
wrk.body = [==[{
  "id": "evt_3PqX8d2eZvKYlo2C1a2b3c4d",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1735732800,
  "type": "payment_intent.succeeded",
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": null,
    "idempotency_key": "a1b2c3d4-e5f6"
  },
  "data": {
    "object": {
      "id": "pi_3PqX8d2eZvKYlo2C0abcdefg",
      "object": "payment_intent",
      "amount": 2000,
      "amount_received": 2000,
      "currency": "eur",
      "customer": "cus_QhX1Y2Z3",
      "description": "Order #1042",
      "metadata": {
        "order_id": "1042",
        "shop": "demo"
      },
      "payment_method": "pm_1PqX8d2eZvKYlo2Cxyz",
      "status": "succeeded",
      "receipt_email": "jenny.rosen@example.com",
      "latest_charge": "ch_3PqX8d2eZvKYlo2C1xyz",
      "payment_method_types": [
        "card"
      ],
      "statement_descriptor": "DEMO SHOP"
    }
  }
}]==]
