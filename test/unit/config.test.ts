import { describe, expect, it } from 'vitest';
import { config, forgetConfig, perConfiguration } from '../../shared/config.ts';
import { AttributionConfigPatchSchema, AttributionConfigSchema, defaultAttributionConfig } from '../../shared/tenants/attribution-config.ts';

describe('process configuration', () => {
  it('names the missing variable', () => {
    expect(() => config({})).toThrow(/TABLE_NAME/);
  });

  it('names an invalid variable', () => {
    expect(() => config({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'not a url' })).toThrow(/DYNAMODB_ENDPOINT/);
  });

  it('fills defaults', () => {
    expect(config({ TABLE_NAME: 't' })).toEqual({
      TABLE_NAME: 't',
      AWS_REGION: 'us-east-1',
      DYNAMODB_REQUEST_TIMEOUT_MS: 3_000,
      REQUEST_BUDGET_MS: 6_000,
      WAREHOUSE_PREFIX: 'warehouse',
      WAREHOUSE_INTERVAL_MINUTES: 15,
      WAREHOUSE_LAG_MINUTES: 5,
    });
  });

  it('is read once, and what is built from it once per configuration, until it is forgotten', () => {
    const table = process.env.TABLE_NAME;
    let builds = 0;
    const tableOf = perConfiguration(() => `${config().TABLE_NAME} #${(builds += 1)}`);
    try {
      forgetConfig();
      expect(tableOf()).toBe(`${table} #1`);
      process.env.TABLE_NAME = 'another';
      expect(tableOf()).toBe(`${table} #1`); // a changed environment is not read again by itself
      forgetConfig();
      expect(tableOf()).toBe('another #2');
      expect(tableOf()).toBe('another #2');
    } finally {
      process.env.TABLE_NAME = table;
      forgetConfig();
    }
  });
});

describe('attribution config', () => {
  it('has the contract’s defaults', () => {
    expect(AttributionConfigSchema.parse(defaultAttributionConfig('Europe/Berlin'))).toEqual({
      lookbackDays: 30,
      viewThroughHours: 24,
      boundary: ['sales_touch', 'qualified'],
      resetOnOrder: true,
      collapseRepeats: false,
      positionBased: { first: 0.4, last: 0.4 },
      timeDecayHalfLifeDays: 7,
      defaultModel: 'last_non_direct',
      timezone: 'Europe/Berlin',
      channelRules: [],
      // docs/contract.md#collection-from-the-storefront: collection is off until origins are allowed; payment pages never make a referral.
      allowedOrigins: [],
      referrerExclusions: expect.arrayContaining(['paypal.com', 'checkout.stripe.com', 'checkout.shopify.com', 'klarna.com']),
      consentRequired: false,
      // docs/contract.md#the-handoff: the handoff's promise.
      handoffSlaHours: 24,
      // A sales team picks up the baton unless the store says it has none.
      salesTeam: true,
      // docs/contract.md#privacy-and-the-data-lifecycle: touches, stages and links expire.
      retentionDays: 400,
    });
  });

  it.each([
    [{ lookbackDays: 0 }],
    [{ lookbackDays: 91 }],
    [{ lookbackDays: 1.5 }],
    [{ boundary: ['sales_touch', 'sales_touch'] }],
    [{ boundary: ['checkout'] }],
    [{ positionBased: { first: 0.6, last: 0.5 } }],
    [{ timeDecayHalfLifeDays: 0 }],
    [{ defaultModel: 'markov' }],
    [{ timezone: 'Mars/Olympus' }],
    [{ channelRules: [{ channel: 'Partners', when: [] }] }],
    [{}],
    [{ unknownField: 1 }],
  ])('refuses %j', (patch) => {
    expect(AttributionConfigPatchSchema.safeParse(patch).success).toBe(false);
  });

  it('accepts a tenant channel rule and an empty boundary list', () => {
    const patch = {
      boundary: [],
      channelRules: [{ channel: 'Partners', when: [{ field: 'source', op: 'equals', values: ['partnerhub'] }] }],
    };
    expect(AttributionConfigPatchSchema.parse(patch)).toEqual({
      boundary: [],
      channelRules: [{ channel: 'Partners', when: [{ field: 'source', op: 'equals', values: ['partnerhub'] }] }],
    });
  });
});
