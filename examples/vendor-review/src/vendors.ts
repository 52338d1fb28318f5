/** The sample payments the demo reviews, one thread each. */
export const sampleVendors = [
  { threadId: 'V-1', vendor: 'Acme Freight', amount: 4_800 },
  { threadId: 'V-2', vendor: 'Northwind Shipping', amount: 25_000 },
  { threadId: 'V-3', vendor: 'Blue Harbour Logistics', amount: 12_500 },
];
