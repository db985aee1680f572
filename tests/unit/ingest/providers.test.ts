import { describe, expect, it } from "vitest";
import { identifyProvider, normaliseName } from "../../../src/ingest/providers.js";
import { FIXTURE_PROVIDERS } from "../../fixtures/invoices/providers.js";

describe("provider identification", () => {
  it("by VAT number first, whatever names are printed", () => {
    expect(identifyProvider("Invoice from Someone Else Ltd", ["123456789"], FIXTURE_PROVIDERS)).toEqual({ providerId: "OAK", via: "vat_number" });
    expect(identifyProvider("Hillside", ["987654321"], FIXTURE_PROVIDERS)).toEqual({ providerId: "HSL", via: "vat_number" });
  });

  it("a provider's VAT number in the reference data is matched in whatever grouping either side wrote it", () => {
    const providers = ["GB 123 4567 89", "123456789", "GB123456789", "gb 123 456 789", "GB-123-4567-89"].map((vatNumber, i) => [{ providerId: `P${i}`, name: `Provider ${i}`, aliases: [], vatNumber }]);
    for (const list of providers) {
      expect(identifyProvider("Invoice", ["123456789"], list)).toEqual({ providerId: list[0]?.providerId, via: "vat_number" });
    }
  });

  it("by name or alias, ignoring case, punctuation, & and Limited/Ltd", () => {
    expect(identifyProvider("BROOKSIDE CARE HOMES LTD\nInvoice", [], FIXTURE_PROVIDERS)).toEqual({ providerId: "BRK", via: "name" });
    expect(identifyProvider("Oakfield Family Placements", [], FIXTURE_PROVIDERS)).toEqual({ providerId: "OAK", via: "alias" });
    expect(identifyProvider("Oakfield Fostering, 12 High St", [], FIXTURE_PROVIDERS)).toEqual({ providerId: "OAK", via: "name" });
    expect(normaliseName("Smith & Sons Limited")).toBe(" smith and sons ltd ");
  });

  it("a name inside a longer provider's name is that longer provider", () => {
    expect(identifyProvider("Acme Fostering North\nA member of the Acme Fostering group", [], FIXTURE_PROVIDERS)).toEqual({ providerId: "ACN", via: "name" });
    expect(identifyProvider("Acme Fostering", [], FIXTURE_PROVIDERS)).toEqual({ providerId: "ACM", via: "name" });
  });

  it("never guesses between two providers, and says what it saw when none matches", () => {
    expect(() => identifyProvider("Northern Lights Fostering with Hillside Supported Living", [], FIXTURE_PROVIDERS)).toThrow(
      expect.objectContaining({ reason: "ambiguous_provider" }),
    );
    expect(() => identifyProvider("Nobody Care Ltd\n", ["111222333"], FIXTURE_PROVIDERS)).toThrow(
      expect.objectContaining({ reason: "unknown_provider", message: expect.stringContaining("GB111222333") }),
    );
  });
});
