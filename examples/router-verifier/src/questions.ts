/** Order questions a shop's assistant answers with a number. */
export const sampleQuestions: readonly string[] = [
  'What is 18% of 250?',
  'What is 1200 divided by 16?',
  'Shipping costs EUR 4.90 per parcel; how much are 12 parcels?',
  'What is 15% of 240, rounded up to the next ten?',
  'What is 2% of 1750?',
  'An order of 7 units at EUR 36.50 each gets a 12% discount, then 21% VAT is added. What is the total?',
  'What is 9000 divided by 24?',
  'Shipping costs EUR 6.50 per parcel; how much are 3 parcels?',
  'What is 35% of 80, rounded up to the next ten?',
  'An order of 40 units at EUR 2.25 each gets a 5% discount, then 9% VAT is added. What is the total?',
];
