import type { Ticket } from './schemas';

/** Tickets the intake demo triages. */
export const sampleTickets: readonly Ticket[] = [
  {
    id: 'SUP-101',
    customer: 'Ana Lima',
    subject: 'Charged twice this month',
    body: 'My card was charged twice for the May invoice. Please refund one of the payments.',
  },
  {
    id: 'SUP-102',
    customer: 'Ben Okafor',
    subject: 'App crashes on start',
    body: 'Since the update the app shows an error and crashes before the dashboard is loading.',
  },
  {
    id: 'SUP-103',
    customer: 'Chloé Martin',
    subject: 'Refund for a parcel that arrived damaged',
    body: 'The parcel arrived damaged; the courier left it in the rain. I want a refund.',
  },
  {
    id: 'SUP-104',
    customer: 'Dev Patel',
    subject: 'Change my email address',
    body: 'How do I change the email address on my profile? I would also like two-factor on.',
  },
  {
    id: 'SUP-105',
    customer: 'Eva Novak',
    subject: 'Where is my order?',
    body: 'It shipped a week ago but the tracking page has not moved. When is the delivery?',
  },
  {
    id: 'SUP-106',
    customer: 'Femi Adeyemi',
    subject: 'Cancel everything',
    body: 'Your service is a scam, my lawyer will contact you about the contract.',
  },
  {
    id: 'SUP-107',
    customer: 'Gao Yan',
    subject: 'Feedback',
    body: 'Just wanted to say the new colours look nice.',
  },
];
