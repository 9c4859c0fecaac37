// The refusals the storefront shows when a quantity does not fit, worded as it expects them (it
// displays `error` as is).
import { fieldError, HttpError } from '../http/errors.js';
import { MAX_LINE_QUANTITY } from './cart.model.js';

export const onlyInStock = (stock: number) => new HttpError(400, 'insufficient_stock', `Only ${stock} item(s) available in stock.`);

/** Adding to a line already in the cart: what is left is the stock minus what the line holds. */
export const cannotAddMore = (adding: number, stock: number, inCart: number) =>
  new HttpError(400, 'insufficient_stock', `Cannot add ${adding} more. Only ${Math.max(0, stock - inCart)} item(s) available.`);

/** A refusal whose reason was gone when it was explained, several times over: the stock is moving. */
export const stockChanging = () => new HttpError(400, 'insufficient_stock', 'The stock of this product is changing; please try again.');

/** A line holds at most MAX_LINE_QUANTITY (a CHECK in the database too); the message says what the line has. */
export const lineLimitReached = (adding: number, inCart: number) => {
  const message = `Cannot add ${adding} more. A cart line holds at most ${MAX_LINE_QUANTITY} item(s); you have ${inCart}.`;
  return fieldError('quantity', message, { summary: message });
};
