/** Which slice of a listing a caller asks for: at most `limit` records after the first `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

export type SortOrder = 'asc' | 'desc';

/** A page of a listing sorted on one of its fields (ties broken by each store on the record's id). */
export interface SortedPage<SortBy extends string> extends Page {
  sortBy: SortBy;
  sortOrder: SortOrder;
}

/** A search without its paging and sorting: what a count of the same search takes. */
export type Unpaged<Search> = Omit<Search, keyof SortedPage<string>>;
