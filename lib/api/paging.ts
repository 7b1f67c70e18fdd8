export interface PageRequest {
  page: number;
  perPage: number;
}
