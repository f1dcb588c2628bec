import { memberContract } from './member';
import { pointsContract } from './points';
import { schedulerContract } from './scheduler';
import { marketingContract } from './marketing';
import { checkinContract } from './checkin';
import { couponContract } from './coupon';
import { mallContract } from './mall';
import { crmContract } from './crm';

/**
 * Every callable cloud function's contract, by function name. A new function adds one line here;
 * the client's `call` and the tests' `invoke` then know its actions, inputs and results.
 * (`pos` is the stores' signed HTTP route, not called through `callFunction`: its contract is its HTTP API.)
 */
export const contracts = {
  member: memberContract,
  points: pointsContract,
  scheduler: schedulerContract,
  marketing: marketingContract,
  checkin: checkinContract,
  coupon: couponContract,
  mall: mallContract,
  crm: crmContract,
};
export type Contracts = typeof contracts;
export type FunctionName = keyof Contracts;
