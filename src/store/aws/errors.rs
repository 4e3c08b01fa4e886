//! SDK errors as `StoreError`s: a kind an operator can act on, the AWS
//! code and message, and whether the call may have been acted on.

use aws_sdk_secretsmanager::config::http::HttpResponse;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::operation::RequestId;

use crate::store::{ErrorKind, StoreError};

pub(super) fn classify<E>(err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let request_id = err.request_id().map(str::to_owned);
    StoreError {
        request_id,
        ..classify_kind(err)
    }
}

fn classify_kind<E>(err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    if let SdkError::ServiceError(service) = &err {
        let inner = service.err();
        let code = inner.code();
        let message = match (code, inner.message()) {
            (_, Some(message)) => message.to_owned(),
            // Not an AWS error body (an HTML page, a proxy's answer): the
            // parser's complaint would tell the operator nothing.
            (None, None) => not_aws(service.raw().status().as_u16(), &err),
            (Some(_), None) => causes(&err),
        };
        let error = StoreError::new(kind_from_code(code), code, message);
        // A 5xx says the service failed somewhere; what it did is unknown.
        return if service.raw().status().is_server_error() {
            error.unanswered()
        } else {
            error
        };
    }
    if let SdkError::ResponseError(response) = &err {
        let message = not_aws(response.raw().status().as_u16(), &err);
        return StoreError::new(ErrorKind::Service, None, message).unanswered();
    }
    if let Some(credentials) = credentials_error(&err) {
        // A role refused by STS: its words, not the SDK's dump of them.
        if let Some((code, message)) = sts_words(credentials) {
            let kind = credentials_kind(&message);
            return StoreError::new(kind, Some(&code), format!("STS AssumeRole: {message}"));
        }
        let message = chain(credentials);
        return StoreError::new(credentials_kind(&message), None, message);
    }
    let (kind, unanswered) = match &err {
        SdkError::TimeoutError(_) => (ErrorKind::Unreachable, true),
        // The request may have been written before the connection failed.
        SdkError::DispatchFailure(d) if !d.is_user() => (ErrorKind::Unreachable, true),
        _ => (ErrorKind::Other, false),
    };
    let error = StoreError::new(kind, None, in_words(causes(&err)));
    if unanswered {
        error.unanswered()
    } else {
        error
    }
}

/// Transport failures as an operator would say them; the HTTP client's own
/// words for the common ones name its internals.
fn in_words(message: String) -> String {
    const WORDS: [(&str, &str); 3] = [
        (
            "connection closed before message completed",
            "the connection closed before an answer came",
        ),
        (
            "Connection reset by peer",
            "the connection was reset before an answer came",
        ),
        ("operation timed out", "no answer came in time"),
    ];
    WORDS
        .iter()
        .find(|(said, _)| message.contains(said))
        .map_or(message, |(_, words)| (*words).to_owned())
}

/// An answer that is not AWS's, in words: the HTTP status says most.
fn not_aws(status: u16, err: &(dyn std::error::Error + 'static)) -> String {
    tracing::debug!(status, error = %causes(err), "unreadable answer");
    match status {
        404 => "HTTP 404 Not Found: the endpoint does not serve this API".to_owned(),
        500..=599 => format!("HTTP {status} from the service, without an AWS error message"),
        _ => format!("HTTP {status} from the endpoint, which is not an AWS answer"),
    }
}

/// The error's causes without the SDK's debug dump. The top level only says
/// "dispatch failure" or similar; its cause says why.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    chain(err.source().unwrap_or(err))
}

/// `err` and its sources, outermost first, on one line.
pub(super) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut source = Some(err);
    let mut parts: Vec<String> = Vec::new();
    while let Some(e) = source {
        // The credential chain lists its attempts one per line.
        let text = one_line(&e.to_string());
        // Some errors repeat their cause in their own message.
        if !parts.last().is_some_and(|prev| prev.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// "Attempted:\n  A: x\n  B: y" -> "Attempted: A: x; B: y".
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

/// The code and message of an STS `AssumeRole` refusal inside `err`.
fn sts_words(err: &(dyn std::error::Error + 'static)) -> Option<(String, String)> {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut source = Some(err);
    while let Some(e) = source {
        if let Some(sdk) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>()
            && let Some(service) = sdk.as_service_error()
        {
            let code = service.code().unwrap_or("AssumeRoleError").to_owned();
            return Some((code, service.message().unwrap_or_default().to_owned()));
        }
        source = e.source();
    }
    None
}

fn credentials_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    let mut source = Some(err);
    while let Some(e) = source {
        if e.is::<aws_credential_types::provider::error::CredentialsError>() {
            return Some(e);
        }
        source = e.source();
    }
    None
}

fn credentials_kind(message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    if lower.contains("expired") {
        ErrorKind::ExpiredCredentials
    } else {
        ErrorKind::NoCredentials
    }
}

fn kind_from_code(code: Option<&str>) -> ErrorKind {
    match code.unwrap_or_default() {
        "ResourceNotFoundException" => ErrorKind::NotFound,
        "AccessDeniedException" | "AccessDenied" => ErrorKind::AccessDenied,
        "ThrottlingException" | "Throttling" | "TooManyRequestsException" => ErrorKind::Throttled,
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            ErrorKind::ExpiredCredentials
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "MissingAuthenticationToken" => ErrorKind::InvalidCredentials,
        "InvalidRequestException" | "InvalidParameterException" => ErrorKind::InvalidRequest,
        "" => ErrorKind::Other,
        _ => ErrorKind::Service,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_errors_fold_into_one_line() {
        assert_eq!(
            one_line("no credentials. Attempted:\n  Environment: not set\n  Profile: none\n"),
            "no credentials. Attempted: Environment: not set; Profile: none"
        );
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn codes_map_to_kinds_an_operator_can_act_on() {
        assert_eq!(
            kind_from_code(Some("ResourceNotFoundException")),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind_from_code(Some("AccessDeniedException")),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_from_code(Some("ThrottlingException")),
            ErrorKind::Throttled
        );
        assert_eq!(
            kind_from_code(Some("ExpiredTokenException")),
            ErrorKind::ExpiredCredentials
        );
        assert_eq!(
            kind_from_code(Some("UnrecognizedClientException")),
            ErrorKind::InvalidCredentials
        );
        assert_eq!(
            kind_from_code(Some("InternalServiceError")),
            ErrorKind::Service
        );
        assert_eq!(kind_from_code(None), ErrorKind::Other);
    }
}
