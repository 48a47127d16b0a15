"""Directory sign-in (issue 19): OpenID Connect and LDAP identities matched to employees."""
