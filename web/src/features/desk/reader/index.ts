export { ContactReader } from './ContactReader';
export { useContact, contactKey } from './api';
