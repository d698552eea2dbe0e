//! What both benchmarks share.

/// The floor of any parse built on quick-xml: a plain event scan of `bytes`, returning how many
/// events it read.
pub fn raw_scan(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("{e}"),
        }
    }
}
