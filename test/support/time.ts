/** Unix seconds of a UTC date (and time): how Stripe writes the dates the tests compare. */
export const ts = (date: string, time = '00:00:00'): number => Date.parse(`${date}T${time}Z`) / 1000;
