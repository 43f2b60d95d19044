// resetTable (src/contract/table.ts): a table used for one head takes the next after it: every
// state slot zeroed (the backends read all-zero state as a new head), header slots left as
// they are (each scan overwrites those it reports).

import { describe, expect, it } from "vitest";
import { T_HEADERS, TABLE_SLOTS } from "../../src/contract/layout.js";
import { newTable, resetTable } from "../../src/contract/table.js";

describe("resetTable", () => {
  it("zeroes every state slot and no header slot", () => {
    const table = newTable();
    for (let i = 0; i < TABLE_SLOTS; i++) table[i] = i + 1;
    resetTable(table);
    for (let i = 0; i < T_HEADERS; i++) expect(table[i]).toBe(0);
    for (let i = T_HEADERS; i < TABLE_SLOTS; i++) expect(table[i]).toBe(i + 1);
  });
});
