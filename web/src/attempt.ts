/** Runs an action of the user's against the API, showing the API's refusal instead of throwing. */
import { message } from 'antd';
import { ApiError } from './api.js';

export async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (failure) {
    const details = failure instanceof ApiError ? failure.details.map((d) => `${d.path}: ${d.message}`).join('; ') : '';
    void message.error(failure instanceof ApiError ? `${failure.message}${details === '' ? '' : ` (${details})`}` : String(failure));
    return false;
  }
}
