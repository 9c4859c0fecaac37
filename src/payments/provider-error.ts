import { badGateway } from '../http/errors.js';

/** What the shopper or staff member is told whenever Stripe could not be used (details go to the log). */
export const paymentProviderFailed = () => badGateway('Payment provider error. Please try again.');
