import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { rowsFromRecords, validateDirectoryRows } from "./validate-rows";

describe("parseCsv", () => {
  it("reads quoted fields, escaped quotes, embedded commas and newlines, CRLF and a BOM, with line numbers", () => {
    const text =
      '\uFEFFemail,name,manager_email\r\na@x.test,"Smith, Anna",\r\nb@x.test,"Bob ""The Builder""",a@x.test\n"c@x.test","Multi\nLine",a@x.test\n\nd@x.test,Dee,b@x.test';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["email", "name", "manager_email"] },
      { line: 2, fields: ["a@x.test", "Smith, Anna", ""] },
      { line: 3, fields: ["b@x.test", 'Bob "The Builder"', "a@x.test"] },
      { line: 4, fields: ["c@x.test", "Multi\nLine", "a@x.test"] },
      { line: 7, fields: ["d@x.test", "Dee", "b@x.test"] },
    ]);
  });
});

describe("validateDirectoryRows", () => {
  const read = (text: string) => rowsFromRecords(parseCsv(text));

  it("reports a cycle, an unknown manager, a duplicate and a malformed e-mail by line, and keeps the rows that stand alone", () => {
    const { rows, errors: shapeErrors } = read(
      [
        "email,name,manager_email,slack_user_id",
        "boss@x.test,Boss,,U1",
        "a@x.test,Ann,boss@x.test",
        "loop1@x.test,Loop One,loop2@x.test",
        "loop2@x.test,Loop Two,loop1@x.test",
        "lost@x.test,Lost,ghost@x.test",
        "a@x.test,Ann Again,boss@x.test",
        "not-an-email,Nobody,",
        "under-lost@x.test,Under Lost,lost@x.test",
        "too,many,columns,here,really",
      ].join("\n"),
    );
    expect(shapeErrors).toEqual([
      { line: 10, email: "too", message: "expected 3 or 4 columns (email,name,manager_email[,slack_user_id]), found 5" },
    ]);
    const { valid, errors } = validateDirectoryRows(rows, []);
    expect(errors).toEqual([
      { line: 4, email: "loop1@x.test", message: "manager cycle: loop1@x.test → loop2@x.test → loop1@x.test" },
      { line: 5, email: "loop2@x.test", message: "manager cycle: loop2@x.test → loop1@x.test → loop2@x.test" },
      { line: 6, email: "lost@x.test", message: "unknown manager ghost@x.test: not in this file nor in the client's directory" },
      { line: 7, email: "a@x.test", message: "duplicate e-mail: a@x.test is also on line 3" },
      { line: 8, email: "not-an-email", message: '"not-an-email" is not a valid e-mail address' },
    ]);
    expect(valid.map((row) => row.email)).toEqual(["boss@x.test", "a@x.test"]);
    expect(valid[0]).toMatchObject({ slackUserId: "U1", managerEmail: null });
  });

  it("accepts managers already in the directory, and catches a cycle through them", () => {
    const existing = [
      { email: "ceo@x.test", managerEmail: null },
      { email: "vp@x.test", managerEmail: "new@x.test" },
    ];
    const { valid, errors } = validateDirectoryRows(read("ok@x.test,Ok,ceo@x.test\nnew@x.test,New,vp@x.test").rows, existing);
    expect(valid.map((row) => row.email)).toEqual(["ok@x.test"]);
    expect(errors).toEqual([{ line: 2, email: "new@x.test", message: "manager cycle: new@x.test → vp@x.test → new@x.test" }]);
  });

  it("refuses a person as their own manager and a missing name", () => {
    const { errors } = validateDirectoryRows(read("me@x.test,Me,me@x.test\nnoname@x.test,,").rows, []);
    expect(errors.map((error) => error.message)).toEqual(["a person cannot be their own manager", "the name is missing"]);
  });
});
