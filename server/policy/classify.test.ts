import { describe, expect, it } from "vitest";
import { classify, nameWords, revealsSecrets, verbOf } from "./classify";

describe("nameWords / verbOf", () => {
  it.each([
    ["add_user_to_group", ["add", "user", "to", "group"], "add"],
    ["addUserToGroup", ["add", "user", "to", "group"], "add"],
    ["users.list", ["users", "list"], "list"],
    ["admin.users.get", ["admin", "users", "get"], "get"],
    ["get-user", ["get", "user"], "get"],
    ["ListUsers", ["list", "users"], "list"],
    ["getHTTPStatus", ["get", "http", "status"], "get"],
    ["RESET_PASSWORD", ["reset", "password"], "reset"],
    ["mailbox_permissions_sync", ["mailbox", "permissions", "sync"], "mailbox"],
    ["users/delete", ["users", "delete"], "delete"],
    ["slack_post_message", ["slack", "post", "message"], "post"],
    ["jira_get_issue", ["jira", "get", "issue"], "get"],
  ])("%s → %j, verb %s", (name, words, verb) => {
    expect(nameWords(name)).toEqual(words);
    expect(verbOf(name)).toBe(verb);
  });
});

const auto = "auto";
const approval = "approval_needed";

describe("classify by name alone (no annotations)", () => {
  it.each([
    // read verbs, every case style
    ["get_user", auto, "read verb 'get'"],
    ["getUser", auto, "read verb 'get'"],
    ["GetUser", auto, "read verb 'get'"],
    ["get-user", auto, "read verb 'get'"],
    ["GET_USER", auto, "read verb 'get'"],
    ["users.get", auto, "read verb 'get'"],
    ["list_users", auto, "read verb 'list'"],
    ["listUsers", auto, "read verb 'list'"],
    ["ListUsers", auto, "read verb 'list'"],
    ["users.list", auto, "read verb 'list'"],
    ["list-group-members", auto, "read verb 'list'"],
    ["search_users", auto, "read verb 'search'"],
    ["searchTickets", auto, "read verb 'search'"],
    ["fetch_audit_log", auto, "read verb 'fetch'"],
    ["fetchAuditLog", auto, "read verb 'fetch'"],
    ["read_file", auto, "read verb 'read'"],
    ["find_device", auto, "read verb 'find'"],
    ["lookupByEmail", auto, "read verb 'lookup'"],
    ["query_logs", auto, "read verb 'query'"],
    ["describe_instance", auto, "read verb 'describe'"],
    ["show_config", auto, "read verb 'show'"],
    ["count_licenses", auto, "read verb 'count'"],
    ["view_ticket", auto, "read verb 'view'"],
    ["export_report", auto, "read verb 'export'"],
    ["conversations.info.describe", auto, "read verb 'describe'"],
    // write verbs, every case style
    ["create_user", approval, "write verb 'create'"],
    ["createUser", approval, "write verb 'create'"],
    ["CreateUser", approval, "write verb 'create'"],
    ["users.create", approval, "write verb 'create'"],
    ["update_user", approval, "write verb 'update'"],
    ["updateUser", approval, "write verb 'update'"],
    ["delete_user", approval, "write verb 'delete'"],
    ["users.delete", approval, "write verb 'delete'"],
    ["add_user_to_group", approval, "write verb 'add'"],
    ["addUserToGroup", approval, "write verb 'add'"],
    ["remove_user_from_group", approval, "write verb 'remove'"],
    ["send_email", approval, "write verb 'send'"],
    ["sendMessage", approval, "write verb 'send'"],
    ["reset_password", approval, "write verb 'reset'"],
    ["resetPassword", approval, "write verb 'reset'"],
    ["set_channel_topic", approval, "write verb 'set'"],
    ["assign_license", approval, "write verb 'assign'"],
    ["invite_to_channel", approval, "write verb 'invite'"],
    ["post_message", approval, "write verb 'post'"],
    ["chat.postMessage", approval, "write verb 'post'"],
    ["patch-device", approval, "write verb 'patch'"],
    ["put_object", approval, "write verb 'put'"],
    ["grant_access", approval, "write verb 'grant'"],
    ["revoke_token", approval, "write verb 'revoke'"],
    ["disable_user", approval, "write verb 'disable'"],
    ["enable_mfa", approval, "write verb 'enable'"],
    ["move_mailbox", approval, "write verb 'move'"],
    ["archive_channel", approval, "write verb 'archive'"],
    ["restore_backup", approval, "write verb 'restore'"],
    ["provision_tenant", approval, "write verb 'provision'"],
    ["sync_devices", approval, "write verb 'sync'"],
    ["conversations.invite", approval, "write verb 'invite'"],
    // unrecognised → conservative
    ["mailbox_permissions_sync", approval, "unrecognised verb 'mailbox' — conservative default"],
    ["user_offboarding", approval, "unrecognised verb 'user' — conservative default"],
    ["whatever", approval, "unrecognised verb 'whatever' — conservative default"],
    ["users", approval, "unrecognised verb 'users' — conservative default"],
    ["do_the_thing", approval, "unrecognised verb 'do' — conservative default"],
    ["listing_fee", approval, "unrecognised verb 'listing' — conservative default"],
    ["getter", approval, "unrecognised verb 'getter' — conservative default"],
  ])("%s → %s (%s)", (name, policy, reason) => {
    expect(classify({ name })).toMatchObject({ policy, reason });
  });
});

describe("classify with annotations (hints, not trust: the stricter side wins)", () => {
  it.each([
    [{ name: "get_user", annotations: { readOnlyHint: true } }, auto, "annotation readOnlyHint and read verb 'get'"],
    // An upstream's hint alone never makes a tool run unapproved: an unknown verb needs approval.
    [
      { name: "mailbox_report", annotations: { readOnlyHint: true } },
      approval,
      "annotation readOnlyHint, but unrecognised verb 'mailbox' — a hint alone is not trusted",
    ],
    [
      { name: "exfiltrate_everything", annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true } },
      approval,
      "annotation readOnlyHint, but unrecognised verb 'exfiltrate' — a hint alone is not trusted",
    ],
    [
      { name: "tenant.report", annotations: { readOnlyHint: true } },
      approval,
      "annotation readOnlyHint, but unrecognised verb 'report' — a hint alone is not trusted",
    ],
    [
      { name: "whatever", annotations: { readOnlyHint: false, destructiveHint: false } },
      approval,
      "unrecognised verb 'whatever' — conservative default",
    ],
    [
      { name: "delete_user", annotations: { readOnlyHint: true } },
      approval,
      "annotation readOnlyHint contradicts write verb 'delete' — the stricter policy wins",
    ],
    [
      { name: "sendEmail", annotations: { readOnlyHint: true } },
      approval,
      "annotation readOnlyHint contradicts write verb 'send' — the stricter policy wins",
    ],
    [
      { name: "get_user", annotations: { destructiveHint: true } },
      approval,
      "annotation destructiveHint contradicts read verb 'get' — the stricter policy wins; Manager Approval suggested",
    ],
    [
      { name: "list_sessions", annotations: { destructiveHint: true, readOnlyHint: false } },
      approval,
      "annotation destructiveHint contradicts read verb 'list' — the stricter policy wins; Manager Approval suggested",
    ],
    [
      { name: "purge_cache", annotations: { destructiveHint: true } },
      approval,
      "annotation destructiveHint and write verb 'purge'; Manager Approval suggested",
    ],
    [
      { name: "mailbox_cleanup", annotations: { destructiveHint: true } },
      approval,
      "annotation destructiveHint; Manager Approval suggested",
    ],
    [
      { name: "weird", annotations: { readOnlyHint: true, destructiveHint: true } },
      approval,
      "annotations readOnlyHint and destructiveHint contradict each other — the stricter policy wins; Manager Approval suggested",
    ],
    [
      { name: "fetch_data", annotations: { readOnlyHint: false } },
      approval,
      "annotation readOnlyHint: false contradicts read verb 'fetch' — the stricter policy wins",
    ],
    [{ name: "add_member", annotations: { destructiveHint: false } }, approval, "write verb 'add'"],
    [{ name: "add_member", annotations: { readOnlyHint: false, destructiveHint: false } }, approval, "write verb 'add'"],
    [{ name: "list_users", annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false } }, auto, "read verb 'list'"],
    [{ name: "list_users", annotations: {} }, auto, "read verb 'list'"],
    [{ name: "list_users", annotations: null }, auto, "read verb 'list'"],
    [{ name: "users.get", annotations: { readOnlyHint: true, title: "Get user" } }, auto, "annotation readOnlyHint and read verb 'get'"],
  ])("%j → %s", (tool, policy, reason) => {
    expect(classify(tool)).toMatchObject({ policy, reason });
  });

  it("never seeds auto without a recognised read verb, whatever the annotations claim", () => {
    const hints = [
      {},
      { readOnlyHint: true },
      { readOnlyHint: true, destructiveHint: false },
      { destructiveHint: false },
      { readOnlyHint: false },
    ];
    for (const name of ["mailbox_report", "x", "", "do_it", "users", "getter", "tenant.report"])
      for (const annotations of hints) expect(classify({ name, annotations }).policy).toBe("approval_needed");
  });

  it("never seeds disabled", () => {
    const names = ["get", "delete", "x", "", "list_all", "DROP_TABLE"];
    for (const name of names) expect(["auto", "approval_needed"]).toContain(classify({ name }).policy);
  });
});

describe("tools that handle secrets", () => {
  it.each([
    [{ name: "get-env", description: "Returns all environment variables", annotations: { readOnlyHint: true } }, "'env' in its name"],
    [{ name: "get_api_key", description: "" }, "'key' in its name"],
    [{ name: "read_config", description: "Reads the service's configuration, including its API keys." }, "'api keys' in its description"],
    [{ name: "list_credentials" }, "'credentials' in its name"],
    [{ name: "showPassword" }, "'password' in its name"],
  ])("a read that reveals secrets needs approval: %j", (tool, why) => {
    const classification = classify(tool);
    expect(classification.policy).toBe("approval_needed");
    expect(classification.reason).toContain("reveals secrets");
    expect(revealsSecrets(tool)).toBe(why);
  });

  it("is not fooled by ordinary words: a page token or a primary key is no secret", () => {
    for (const tool of [
      { name: "list_users", description: "Lists users; pass the page token to continue." },
      { name: "get_ticket", description: "Returns the ticket with its primary key and status." },
      { name: "search_monkeys" },
    ]) {
      expect(revealsSecrets(tool)).toBeNull();
      expect(classify(tool).policy).toBe("auto");
    }
  });

  it("marks the results of password and token tools sensitive, reads and writes alike", () => {
    expect(revealsSecrets({ name: "reset_password" })).toBe("'password' in its name");
    expect(revealsSecrets({ name: "create_access_token" })).toBe("'token' in its name");
    expect(revealsSecrets({ name: "add_user_to_group" })).toBeNull();
  });
});
