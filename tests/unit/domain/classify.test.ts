import { describe, expect, it } from "vitest";
import { classifyLine } from "../../../src/domain/classify.js";
import { configWith } from "../rules/facts.js";

const config = configWith();

describe("classifyLine (AUDIT.md 'Kinds of line')", () => {
  it.each([
    ["1:1 support", "hour", "one_to_one_hour"],
    ["Additional staffing (1-1)", "hour", "one_to_one_hour"],
    ["One-to-one hours", null, "one_to_one_hour"],
    ["SUPPORT HOURS", "hour", "one_to_one_hour"],
    ["Education provision", "day", "education_day"],
    ["Tuition", "session", "education_day"],
    ["Transport", "mile", "transport_mile"],
    ["Travel to contact", null, "transport_mile"],
    ["Therapeutic input", "session", "therapy_session"],
    ["Counselling", "session", "therapy_session"],
  ])("%s is %s", (description, unit, item) => {
    expect(classifyLine(description, unit as never, "10.00", config)).toBe(item);
  });

  it("the keyword appearing earliest wins", () => {
    expect(classifyLine("Mileage - school run", "mile", "12.00", config)).toBe("transport_mile");
    expect(classifyLine("School transport", "mile", "12.00", config)).toBe("education_day");
    expect(classifyLine("Therapy travel", "mile", "12.00", config)).toBe("therapy_session");
  });

  it("an extra's keyword beats a fee word or unit", () => {
    expect(classifyLine("Education fee", "week", "500.00", config)).toBe("education_day");
  });

  it("a line with a fee unit or fee words and no extra's keyword is a fee line", () => {
    expect(classifyLine("October", "night", "4061.00", config)).toBe("placement");
    expect(classifyLine("Weekly charge", "week", "917.00", config)).toBe("placement");
    expect(classifyLine("Residential care", null, "4061.00", config)).toBe("placement");
    expect(classifyLine("Foster Placement", "item", "4061.00", config)).toBe("placement");
    expect(classifyLine("Accommodation", null, "4061.00", config)).toBe("placement");
  });

  it("any other line is an extra whose item is unknown", () => {
    expect(classifyLine("Pocket money", "item", "20.00", config)).toBe("unknown");
    expect(classifyLine("Activities", null, "50.00", config)).toBe("unknown");
  });

  it("a negative amount is a discount line", () => {
    expect(classifyLine("Sibling discount", null, "-100.00", config)).toBe("discount");
    expect(classifyLine("Placement fee", "night", "-4061.00", config)).toBe("discount");
  });

  it("follows configured keywords", () => {
    const custom = configWith({ items: { respite_night: ["respite"] }, fee_keywords: ["board"] });
    expect(classifyLine("Respite care", null, "100.00", custom)).toBe("respite_night");
    expect(classifyLine("Board and lodging", null, "100.00", custom)).toBe("placement");
    expect(classifyLine("1:1 support", "hour", "100.00", custom)).toBe("unknown");
  });
});
