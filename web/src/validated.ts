/**
 * The values of a form whose every field passes its rules, or undefined when one does not: antd
 * then shows the problem at the field, and the refused save is not an unhandled rejection.
 */
import type { FormInstance } from 'antd';

export async function validated<Values>(form: FormInstance<Values>): Promise<Values | undefined> {
  try {
    return await form.validateFields();
  } catch (failure) {
    if (typeof failure === 'object' && failure !== null && 'errorFields' in failure) return undefined;
    throw failure;
  }
}
