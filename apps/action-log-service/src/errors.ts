// action-log-service's coded errors.
import { validationFailed } from '@f1/service-kit/errors'

export { InvalidCursorError } from '@f1/service-kit/errors'
export const InvalidRangeError = validationFailed('`from` must not be after `to`')
export const InvalidInstantError = validationFailed('%s is not an instant the log can store')
export const UnstorableActionError = validationFailed('The action cannot be stored: %s')
