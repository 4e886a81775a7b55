/** @salesforce/user/Id: the org session's user. */
import { userId } from './orgSession.js';

export default userId;
