//! A message file the user edited either parses or is refused with an error;
//! what parses writes back to a file that parses to the same request.
#![no_main]

use hookscope::resend::{parse_message_file, to_message_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|file: &[u8]| {
    if let Ok(request) = parse_message_file(file) {
        let again = parse_message_file(&to_message_file(&request))
            .unwrap_or_else(|e| panic!("{request:?} wrote a file that does not parse: {e}"));
        assert_eq!(again, request);
    }
});
