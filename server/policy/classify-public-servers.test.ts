import { describe, expect, it } from "vitest";
import type { ToolAnnotations } from "@/db/schema";
import { classify } from "./classify";

type Row = [
  name: string,
  description: string,
  annotations: ToolAnnotations | null,
  policy: "auto" | "approval_needed",
  reason: RegExp,
  extra?: Extra,
];
type Extra = { manager?: true; review?: true };

const auto = "auto" as const;
const approval = "approval_needed" as const;
const RO = { readOnlyHint: true };

/**
 * Tool names and descriptions as public MCP servers publish them (GitHub's github-mcp-server, the
 * reference Slack, filesystem and "everything" servers, a Microsoft 365 / Graph server, Atlassian's
 * Jira tools, a ConnectWise-style PSA), with annotations where the server declares them, and the
 * default Toolgate seeds for each with its reason. Written out by hand: a change to the classifier
 * that changes one of these defaults must change this table too.
 */
const TABLE: Row[] = [
  // GitHub (github/github-mcp-server; its reads carry readOnlyHint)
  ["get_me", "Get details of the authenticated GitHub user", RO, auto, /^annotation readOnlyHint and read verb 'get'$/],
  ["get_issue", "Get details of a specific issue in a GitHub repository.", RO, auto, /read verb 'get'/],
  ["list_issues", "List issues in a GitHub repository.", RO, auto, /read verb 'list'/],
  ["search_issues", "Search for issues in GitHub repositories using issues search syntax", RO, auto, /read verb 'search'/],
  ["create_issue", "Create a new issue in a GitHub repository.", { readOnlyHint: false }, approval, /^write verb 'create'$/],
  ["update_issue", "Update an existing issue in a GitHub repository.", { readOnlyHint: false }, approval, /write verb 'update'/],
  ["add_issue_comment", "Add a comment to a specific issue in a GitHub repository.", { readOnlyHint: false }, approval, /write verb 'add'/],
  ["get_pull_request", "Get details of a specific pull request in a GitHub repository.", RO, auto, /read verb 'get'/],
  ["list_pull_requests", "List pull requests in a GitHub repository.", RO, auto, /read verb 'list'/],
  ["create_pull_request", "Create a new pull request in a GitHub repository.", { readOnlyHint: false }, approval, /write verb 'create'/],
  ["merge_pull_request", "Merge a pull request in a GitHub repository.", { readOnlyHint: false }, approval, /write verb 'merge'/],
  ["get_file_contents", "Get the contents of a file or directory from a GitHub repository", RO, auto, /read verb 'get'/],
  [
    "create_or_update_file",
    "Create or update a single file in a GitHub repository.",
    { readOnlyHint: false },
    approval,
    /write verb 'create'/,
  ],
  [
    "delete_file",
    "Delete a file from a GitHub repository",
    { readOnlyHint: false, destructiveHint: true },
    approval,
    /destructiveHint and write verb 'delete'/,
    { manager: true },
  ],
  [
    "push_files",
    "Push multiple files to a GitHub repository in a single commit",
    { readOnlyHint: false },
    approval,
    /unrecognised verb 'push'/,
  ],
  ["create_branch", "Create a new branch in a GitHub repository", { readOnlyHint: false }, approval, /write verb 'create'/],
  [
    "fork_repository",
    "Fork a GitHub repository to your account or specified organization",
    { readOnlyHint: false },
    approval,
    /unrecognised verb 'fork'/,
  ],
  ["search_code", "Search for code across GitHub repositories", RO, auto, /read verb 'search'/],
  ["list_commits", "Get list of commits of a branch in a GitHub repository", RO, auto, /read verb 'list'/],
  [
    "list_secret_scanning_alerts",
    "List secret scanning alerts in a GitHub repository.",
    RO,
    approval,
    /read verb 'list', but it reveals secrets \('secret' in its name\)/,
  ],
  [
    "dismiss_notification",
    "Dismiss a notification by marking it as read or done",
    { readOnlyHint: false },
    approval,
    /unrecognised verb 'dismiss'/,
  ],

  // Slack (the reference server; names carry the server's prefix)
  ["slack_list_channels", "List public channels in the workspace with pagination", null, auto, /^read verb 'list'$/],
  ["slack_post_message", "Post a new message to a Slack channel", null, approval, /^write verb 'post'$/],
  ["slack_reply_to_thread", "Reply to a specific message thread in Slack", null, approval, /write verb 'reply'/],
  ["slack_add_reaction", "Add a reaction emoji to a message", null, approval, /write verb 'add'/],
  ["slack_get_channel_history", "Get recent messages from a channel", null, auto, /read verb 'get'/],
  ["slack_get_thread_replies", "Get all replies in a message thread", null, auto, /read verb 'get'/],
  ["slack_get_users", "Get a list of all users in the workspace with their basic profile information", null, auto, /read verb 'get'/],
  ["slack_get_user_profile", "Get detailed profile information for a specific user", null, auto, /read verb 'get'/],

  // Filesystem (the reference server, with the annotations it declares)
  ["read_file", "Read the complete contents of a file from the file system.", RO, auto, /annotation readOnlyHint and read verb 'read'/],
  ["read_multiple_files", "Read the contents of multiple files simultaneously.", RO, auto, /read verb 'read'/],
  [
    "write_file",
    "Create a new file or completely overwrite an existing file with new content.",
    { readOnlyHint: false, destructiveHint: true },
    approval,
    /destructiveHint and write verb 'write'/,
    { manager: true },
  ],
  [
    "edit_file",
    "Make line-based edits to a text file.",
    { readOnlyHint: false, destructiveHint: true },
    approval,
    /destructiveHint and write verb 'edit'/,
    { manager: true },
  ],
  [
    "create_directory",
    "Create a new directory or ensure a directory exists.",
    { readOnlyHint: false, idempotentHint: true, destructiveHint: false },
    approval,
    /^write verb 'create'$/,
  ],
  ["list_directory", "Get a detailed listing of all files and directories in a specified path.", RO, auto, /read verb 'list'/],
  [
    "directory_tree",
    "Get a recursive tree view of files and directories as a JSON structure.",
    RO,
    approval,
    /unrecognised verb 'directory' — a hint alone is not trusted/,
  ],
  ["move_file", "Move or rename files and directories.", { readOnlyHint: false, destructiveHint: false }, approval, /write verb 'move'/],
  ["search_files", "Recursively search for files and directories matching a pattern.", RO, auto, /read verb 'search'/],
  ["get_file_info", "Retrieve detailed metadata about a file or directory.", RO, auto, /read verb 'get'/],
  ["list_allowed_directories", "Returns the list of directories that this server is allowed to access.", RO, auto, /read verb 'list'/],

  // The reference "everything" server
  ["echo", "Echoes back the input", null, approval, /unrecognised verb 'echo' — conservative default/],
  ["add", "Adds two numbers", null, approval, /^write verb 'add'$/],
  ["get-sum", "Returns the sum of two numbers", RO, auto, /read verb 'get'/],
  [
    "get-env",
    "Returns all environment variables, helpful for debugging MCP server configuration",
    RO,
    approval,
    /read verb 'get', but it reveals secrets \('env' in its name\)/,
  ],
  [
    "printEnv",
    "Prints all environment variables, helpful for debugging MCP server configuration",
    null,
    approval,
    /unrecognised verb 'print'/,
  ],
  ["getTinyImage", "Returns the MCP_TINY_IMAGE", null, auto, /^read verb 'get'$/],
  ["longRunningOperation", "Demonstrates a long running operation with progress updates", null, approval, /unrecognised verb 'long'/],
  [
    "sampleLLM",
    "Samples from an LLM using MCP's sampling feature",
    { openWorldHint: true },
    approval,
    /unrecognised verb 'sample'.*openWorldHint: it reaches systems outside/,
  ],
  [
    "annotatedMessage",
    "Demonstrates how annotations can be used to provide metadata about content",
    null,
    approval,
    /^write verb 'message'$/,
  ],
  [
    "trigger-long-running-operation",
    "Demonstrates a long running operation with progress updates.",
    null,
    approval,
    /write verb 'trigger'/,
  ],
  ["get-resource-reference", "Returns a resource reference that can be used by MCP clients", RO, auto, /read verb 'get'/],

  // Microsoft 365 / Graph-style user, mailbox and licence tools
  ["list-users", "List users in the organization (GET /users)", RO, auto, /read verb 'list'/],
  ["get-user", "Get a user's profile by id or userPrincipalName", RO, auto, /read verb 'get'/],
  ["create-user", "Create a new user account in Entra ID", { destructiveHint: false }, approval, /write verb 'create'/],
  [
    "delete-user",
    "Delete a user account; it stays in the recycle bin for 30 days",
    { destructiveHint: true },
    approval,
    /destructiveHint and write verb 'delete'/,
    { manager: true },
  ],
  [
    "reset-user-password",
    "Reset a user's password and return the temporary password",
    { destructiveHint: true, openWorldHint: true },
    approval,
    /destructiveHint and write verb 'reset'; openWorldHint/,
    { manager: true },
  ],
  ["assign-license", "Assign or remove Microsoft 365 licenses for a user", { destructiveHint: false }, approval, /write verb 'assign'/],
  ["list-mail-messages", "List messages in the signed-in user's mailbox", RO, auto, /read verb 'list'/],
  ["get-mail-message", "Get a message from a mailbox by id", RO, auto, /read verb 'get'/],
  [
    "send-mail",
    "Send a new message from the user's mailbox",
    { openWorldHint: true },
    approval,
    /^write verb 'send'; openWorldHint: it reaches systems outside the integration$/,
  ],
  ["delete-mail-message", "Delete a message from a mailbox", { destructiveHint: true }, approval, /destructiveHint/, { manager: true }],
  ["list-calendar-events", "List events in the user's calendar", RO, auto, /read verb 'list'/],
  ["create-calendar-event", "Create an event in the user's calendar", null, approval, /write verb 'create'/],
  ["add-group-member", "Add a member to a Microsoft 365 group or security group", null, approval, /write verb 'add'/],
  ["list-subscribed-skus", "List the licence SKUs the organization subscribes to", RO, auto, /read verb 'list'/],
  ["get-mailbox-settings", "Get the mailbox settings of a user: automatic replies, time zone, language", RO, auto, /read verb 'get'/],
  [
    "list-app-credentials",
    "List an application's client secrets and certificates",
    RO,
    approval,
    /reveals secrets \('credentials' in its name\)/,
  ],
  [
    "get-user",
    "Deletes the user and all their mail",
    { readOnlyHint: true, destructiveHint: true },
    approval,
    /contradict each other — the stricter policy wins/,
    { manager: true, review: true },
  ],
  [
    "list-sign-ins",
    "List sign-in logs; a call may remove entries older than 30 days",
    { readOnlyHint: false },
    approval,
    /readOnlyHint: false contradicts read verb 'list'/,
    { review: true },
  ],
  [
    "revoke-sign-in-sessions",
    "Invalidate all refresh tokens issued to a user",
    RO,
    approval,
    /readOnlyHint contradicts write verb 'revoke'/,
    { review: true },
  ],

  // Ticketing: Jira (Atlassian tools as published by mcp-atlassian) and a PSA
  [
    "jira_get_issue",
    "Get details of a specific Jira issue including its Epic links and relationship information.",
    RO,
    auto,
    /read verb 'get'/,
  ],
  ["jira_search", "Search Jira issues using JQL (Jira Query Language).", RO, auto, /read verb 'search'/],
  ["jira_create_issue", "Create a new Jira issue with optional Epic link or parent for subtasks.", null, approval, /write verb 'create'/],
  [
    "jira_update_issue",
    "Update an existing Jira issue including changing status, adding Epic links, updating fields, etc.",
    null,
    approval,
    /write verb 'update'/,
  ],
  [
    "jira_delete_issue",
    "Delete an existing Jira issue.",
    { destructiveHint: true },
    approval,
    /destructiveHint and write verb 'delete'/,
    { manager: true },
  ],
  ["jira_add_comment", "Add a comment to a Jira issue.", null, approval, /write verb 'add'/],
  ["jira_transition_issue", "Transition a Jira issue to a new status.", null, approval, /unrecognised verb 'jira'/],
  ["jira_get_transitions", "Get available status transitions for a Jira issue.", RO, auto, /read verb 'get'/],
  ["get_ticket", "Get a service ticket by id, with its notes", RO, auto, /read verb 'get'/],
  ["close_ticket", "Close a service ticket with a resolution note", null, approval, /write verb 'close'/],
  [
    "get_company_credentials",
    "Return the stored passwords for a company's devices",
    RO,
    approval,
    /reveals secrets \('credentials' in its name\)/,
  ],
  ["lookup_contact", "Look up a contact by e-mail address", RO, auto, /read verb 'lookup'/],
];

describe("seeding defaults for tools of public MCP servers", () => {
  it("has at least 60 tools", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)("%s (%s, %j) → %s", (name, description, annotations, policy, reason, extra = {}) => {
    const classification = classify({ name, description, annotations });
    expect(classification.policy).toBe(policy);
    expect(classification.reason).toMatch(reason);
    expect(classification.managerApprovalSuggested).toBe(Boolean(extra.manager));
    if (extra.manager) expect(classification.reason).toMatch(/Manager Approval suggested/);
    expect(classification.review !== null).toBe(Boolean(extra.review));
    if (annotations?.openWorldHint) expect(classification.reason).toMatch(/openWorldHint/);
  });
});
