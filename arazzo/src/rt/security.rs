//! The security requirements of an operation, emitted as statics by the macro.

/// One security scheme of a requirement, with the scopes the operation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// The scheme's name in `components.securitySchemes`.
    pub scheme: &'static str,
    /// What the scheme is.
    pub kind: SchemeKind,
    /// The scopes (OAuth2) or roles the requirement lists.
    pub scopes: &'static [&'static str],
}

/// The type of a security scheme, as far as the runtime applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `apiKey`: the key goes in a header, query parameter or cookie.
    ApiKey {
        /// Where.
        location: ApiKeyIn,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// `http` `basic`.
    Basic,
    /// `http` `bearer` (and any other `http` scheme: a token in `Authorization`).
    Bearer,
    /// `oauth2`, with the token endpoints of the flows the runtime can perform.
    OAuth2(Flows),
    /// `openIdConnect` (the token is given).
    OpenIdConnect,
    /// `mutualTLS`: configured on the HTTP client, nothing to add to a request.
    MutualTls,
}

/// Where an `apiKey` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyIn {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The token endpoints of an `oauth2` scheme's flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flows {
    /// `clientCredentials.tokenUrl`.
    pub client_credentials: Option<&'static str>,
    /// `password.tokenUrl`.
    pub password: Option<&'static str>,
    /// The first `refreshUrl` declared.
    pub refresh_url: Option<&'static str>,
}
