//! Fault injection: [`Behavior`]s applied by [`Rule`]s, and scripted sequences.

use std::collections::VecDeque;
use std::time::Duration;

/// How the mock answers a request instead of normally.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Behavior {
    /// Waits, then answers normally.
    Delay(Duration),
    /// An HTML error page with this status (as IIS or a proxy sends).
    HtmlError(u16),
    /// An HTML error page with this status that quotes the request it received from its
    /// `RequestHeader` on, as a misconfigured proxy might (for testing that clients keep
    /// credentials out of errors).
    EchoRequest(u16),
    /// This status, a short text body, and a `Retry-After` in seconds when given.
    Status {
        /// HTTP status.
        status: u16,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// The normal response cut in half (with a `Content-Length` of the half).
    Truncate,
    /// HTTP 200 with `ErrorResponse/IsError = true` and this message.
    IsError(String),
    /// HTTP 200 with `IsError = true` and the service's over-limit message for the operation
    /// (as [`Settings::throttles`](crate::Settings::throttles) answers a call too soon).
    Throttle,
    /// HTTP 200 with a failed `SecurityResponse`: authorized = false, these permissions missing.
    NotAuthorized(Vec<String>),
    /// HTTP 500 with this SOAP fault.
    Fault {
        /// `faultcode`.
        code: String,
        /// `faultstring`.
        string: String,
    },
    /// Closes the connection after reading the request, without answering.
    Reset,
    /// This status and this body as `text/xml` (for malformed or unexpected documents).
    Body {
        /// HTTP status.
        status: u16,
        /// The body, sent as it is.
        body: String,
    },
}

/// A misbehaviour to apply to the next matching requests.
///
/// ```
/// use kareo_mock::{Behavior, Rule};
///
/// // The next 2 calls to GetCharges are throttled, then calls are answered normally.
/// let rule = Rule::new(Behavior::Throttle).only("GetCharges").times(2);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) behavior: Behavior,
    pub(crate) operation: Option<String>,
    pub(crate) times: usize,
}

impl Rule {
    /// Applies `behavior` to the next request (of any operation).
    pub fn new(behavior: Behavior) -> Self {
        Rule {
            behavior,
            operation: None,
            times: 1,
        }
    }

    /// Applies it to the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Applies it only to requests of `operation` (WSDL name, e.g. `"CreatePatient"`).
    pub fn only(mut self, operation: &str) -> Self {
        self.operation = Some(operation.to_owned());
        self
    }
}

/// One step of a script: a misbehaviour, or a normal answer.
pub type Step = Option<Behavior>;

/// Pending rules and scripts.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: VecDeque<Rule>,
    /// Per operation, the steps still to play, in order.
    scripts: Vec<(String, VecDeque<Step>)>,
}

impl Faults {
    pub(crate) fn push(&mut self, rule: Rule) {
        if rule.times > 0 {
            self.rules.push_back(rule);
        }
    }

    pub(crate) fn script(&mut self, operation: &str, steps: impl IntoIterator<Item = Step>) {
        let steps: VecDeque<Step> = steps.into_iter().collect();
        match self.scripts.iter_mut().find(|(op, _)| op == operation) {
            Some((_, pending)) => pending.extend(steps),
            None => self.scripts.push((operation.to_owned(), steps)),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
        self.scripts.clear();
    }

    /// The behaviour for the next request of `op`: its script's next step first, then the
    /// first matching rule.
    pub(crate) fn take(&mut self, op: &str) -> Option<Behavior> {
        if let Some(i) = self.scripts.iter().position(|(o, _)| o == op) {
            let step = self.scripts[i].1.pop_front();
            if self.scripts[i].1.is_empty() {
                self.scripts.remove(i);
            }
            if let Some(step) = step {
                return step;
            }
        }
        let i = self
            .rules
            .iter()
            .position(|r| r.operation.as_deref().is_none_or(|o| o == op))?;
        let rule = &mut self.rules[i];
        let behavior = rule.behavior.clone();
        rule.times -= 1;
        if rule.times == 0 {
            self.rules.remove(i);
        }
        Some(behavior)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_plays_its_steps_in_order_then_rules_apply() {
        let mut f = Faults::default();
        f.push(Rule::new(Behavior::Truncate).only("GetCharges"));
        f.script("GetCharges", [Some(Behavior::Throttle), None, Some(Behavior::Reset)]);
        assert_eq!(f.take("GetPatients"), None);
        assert_eq!(f.take("GetCharges"), Some(Behavior::Throttle));
        assert_eq!(f.take("GetCharges"), None, "a normal step");
        assert_eq!(f.take("GetCharges"), Some(Behavior::Reset));
        assert_eq!(f.take("GetCharges"), Some(Behavior::Truncate));
        assert_eq!(f.take("GetCharges"), None);
    }

    #[test]
    fn rules_apply_their_number_of_times() {
        let mut f = Faults::default();
        f.push(Rule::new(Behavior::Throttle).only("GetCharges").times(2));
        f.push(Rule::new(Behavior::Throttle).times(0));
        assert_eq!(f.take("GetCharges"), Some(Behavior::Throttle));
        assert_eq!(f.take("GetPatients"), None);
        assert_eq!(f.take("GetCharges"), Some(Behavior::Throttle));
        assert_eq!(f.take("GetCharges"), None);
    }
}
