import { describe, expect, it } from "vitest";
import { entraIssuer, identityFromClaims, resolveIssuer, type SsoConfig } from "./claims";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const entra: SsoConfig = {
  workspaceId: "ws_1",
  workspaceSlug: "msp",
  kind: "entra",
  issuer: entraIssuer(TENANT),
  tenant: TENANT,
  clientId: "c",
  clientSecret: "s",
  allowedDomains: ["msp.example"],
  source: "settings",
};

describe("SSO issuers", () => {
  it.each([
    ["oidc", { issuer: "https://login.microsoftonline.com/common/v2.0" }],
    ["oidc", { issuer: "https://login.microsoftonline.com/organizations/v2.0" }],
    ["oidc", { issuer: "https://login.microsoftonline.com/consumers/v2.0" }],
    ["oidc", { issuer: "https://login.microsoftonline.com/{tenantid}/v2.0" }],
    ["oidc", { issuer: "https://accounts.google.com" }],
    ["oidc", { issuer: "http://idp.example.com" }],
    ["entra", { tenant: "common" }],
    ["entra", { tenant: "organizations" }],
    ["google", { tenant: "" }],
  ] as const)("refuses a %s issuer that is not one tenant's: %j", (kind, input) => {
    expect(resolveIssuer(kind, input)).toHaveProperty("problem");
  });

  it("builds tenant-specific issuers", () => {
    expect(resolveIssuer("entra", { tenant: TENANT.toUpperCase() })).toEqual({
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      tenant: TENANT,
    });
    expect(resolveIssuer("google", { tenant: "MSP.example" })).toEqual({ issuer: "https://accounts.google.com", tenant: "msp.example" });
    expect(resolveIssuer("oidc", { issuer: "https://sso.msp.example/realms/msp/" })).toEqual({
      issuer: "https://sso.msp.example/realms/msp",
      tenant: "",
    });
  });
});

describe("SSO identities from ID-token claims", () => {
  const claims = { iss: entra.issuer, sub: "pairwise-sub", oid: "object-id-1", tid: TENANT, email: "Ann@MSP.example", xms_edov: true };

  it("binds Entra by tenant and object id, with xms_edov as a verified e-mail", () => {
    expect(identityFromClaims(entra, claims)).toEqual({
      issuer: entra.issuer,
      tenant: TENANT,
      subject: "object-id-1",
      email: "ann@msp.example",
      emailVerified: true,
      name: null,
    });
  });

  it("refuses another Entra tenant, another issuer, or a token without object id", () => {
    expect(identityFromClaims(entra, { ...claims, tid: "00000000-0000-0000-0000-000000000000" })).toEqual({ refused: "wrong_tenant" });
    expect(identityFromClaims(entra, { ...claims, iss: "https://evil.example" })).toEqual({ refused: "wrong_tenant" });
    expect(identityFromClaims(entra, { ...claims, oid: undefined })).toEqual({ refused: "no_subject" });
  });

  it("treats an e-mail as unverified unless the provider says so", () => {
    expect(identityFromClaims(entra, { ...claims, xms_edov: false })).toMatchObject({ emailVerified: false });
    const google: SsoConfig = { ...entra, kind: "google", issuer: "https://accounts.google.com", tenant: "msp.example" };
    const googleClaims = { iss: "https://accounts.google.com", sub: "g-1", hd: "msp.example", email: "ann@msp.example" };
    expect(identityFromClaims(google, googleClaims)).toMatchObject({ tenant: "msp.example", subject: "g-1", emailVerified: false });
    expect(identityFromClaims(google, { ...googleClaims, email_verified: true })).toMatchObject({ emailVerified: true });
    expect(identityFromClaims(google, { ...googleClaims, hd: "gmail.com" })).toEqual({ refused: "wrong_tenant" });
  });
});
