//! Any HAR file is read or refused; a request that reads is completed
//! (event type, signature) without a panic, and exporting it gives HAR that
//! reads back as the same request.
#![no_main]

use hookscope::export::{HAR_TAIL, har_entry, har_head};
use hookscope::import::{complete, read_har};
use hookscope::model::{RequestDetail, RequestId, RequestSummary};
use hookscope::verifier::Verifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(requests) = read_har(data) else {
        return;
    };
    let verifier = Verifier::default();
    for r in requests {
        let done = complete(r.clone(), &verifier);
        let detail = RequestDetail {
            summary: RequestSummary {
                id: RequestId(1),
                received_at_us: done.received_at_us,
                method: done.method.clone(),
                target: done.target.clone(),
                http_version: done.http_version.clone(),
                remote_addr: done.remote_addr.clone(),
                content_type: None,
                body_size: done.body_size,
                body_truncated: done.body_truncated,
                status: done.answer.status,
                event_type: done.event_type.clone(),
                sig_provider: done.sig_provider.clone(),
                sig_status: done.sig_status.clone(),
            },
            headers: done.headers.clone(),
            body: done.body.to_vec(),
            answer: done.answer.clone(),
        };
        let doc = format!("{}{}{}", har_head(), har_entry(&detail), HAR_TAIL);
        let again = read_har(doc.as_bytes())
            .unwrap_or_else(|e| panic!("{detail:?} exported HAR that does not read: {e}\n{doc}"));
        let [back] = <[_; 1]>::try_from(again).expect("one entry");
        // Read back, it carries the verdict as recorded; the rest is as read.
        assert_eq!(back.sig_status, done.sig_status);
        assert_eq!(
            (back.method, back.target, back.headers, back.body, back.answer),
            (r.method, r.target, r.headers, r.body, r.answer)
        );
        assert_eq!(back.received_at_us, r.received_at_us);
    }
});
